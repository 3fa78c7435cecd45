proc f {} {}
proc g {a {b 2}} {}
proc h {a args} {}
proc k {{x 1} {y 2}} {}
foreach s {{f 1} g {h} {k 1 2 3}} {
    catch $s m
    puts $m
}

# Values of rand() are not compared, only their range.
set ok 1
for {set i 0} {$i < 50} {incr i} {
    set r [expr {rand()}]
    if {$r < 0.0 || $r >= 1.0} { set ok 0 }
}
puts $ok

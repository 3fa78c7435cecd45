proc rec {n} {
    if {$n <= 0} { return 0 }
    expr {$n + [rec [expr {$n - 1}]]}
}
puts [rec 100]
proc fact {n} { if {$n < 2} { return 1 }; expr {$n * [fact [expr {$n - 1}]]} }
puts [fact 20]

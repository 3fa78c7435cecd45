# srand makes rand repeatable; the values themselves are not printed.
set first [expr {srand(42)}]
set a [expr {rand()}]
set b [expr {rand()}]
set again [expr {srand(42)}]
puts [expr {$first == $again}]
puts [expr {$a == [expr {rand()}]}]
puts [expr {$b == [expr {rand()}]}]
puts [expr {$a != $b}]

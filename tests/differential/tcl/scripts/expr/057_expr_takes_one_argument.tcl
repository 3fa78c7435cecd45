# Jim's expr takes exactly one argument (Tcl concatenates several).
puts [expr {1 + 2 * 3}]
puts [catch {expr 1 + 2} m]
puts $m
expr "4" "/" "2"

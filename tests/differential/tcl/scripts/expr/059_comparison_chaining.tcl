puts [expr {3 > 2 > 1}]
puts [expr {1 < 2 < 3}]
puts [expr {1 eq 1 eq 1}]
puts [expr {1 < 2 == 1}]

puts [expr {2 ** -2}]
puts [expr {3 ** -1}]
puts [expr {1 ** -1}]
puts [expr {(-1) ** -1}]
puts [expr {(-1) ** -2}]
puts [expr {(-1) ** -3}]
puts [catch {expr {0 ** -1}} m]
puts $m

puts [catch {expr {1 / 0}} m]
puts $m
puts [expr {1.0 / 0}]
puts [expr {-1 / 0.0}]
expr {10 / (5 - 5)}

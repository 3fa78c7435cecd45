proc forever {n} { forever [expr {$n + 1}] }
puts [catch {forever 0} m]
puts $m

set i 1.5
puts [catch {incr i} m]
puts $m
set i 5
puts [catch {incr i 1.0} m]
puts $m
puts [catch {incr i x} m]
puts $m
incr

set a 1
puts [catch {set a(1) x} m]
puts $m
set b(1) x
puts [catch {set b(2)} m]
puts $m
puts [set b]

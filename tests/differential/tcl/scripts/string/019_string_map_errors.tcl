puts [catch {string map {abc} x} m]
puts $m
string map

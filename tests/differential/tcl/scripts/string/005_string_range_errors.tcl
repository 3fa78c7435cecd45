puts [catch {string range abc x y} m]
puts $m
string range abc 1

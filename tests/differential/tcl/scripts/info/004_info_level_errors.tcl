puts [catch {info level 5} m]
puts $m
info level 0

puts [catch {array foo a} m]
puts $m
array

puts [catch {set} m]
puts $m
set a b c

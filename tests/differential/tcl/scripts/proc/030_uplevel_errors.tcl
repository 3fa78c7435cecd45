puts [catch {uplevel 5 {}} m]
puts $m
uplevel {expr 1+1}

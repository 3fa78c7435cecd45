proc f {} { upvar 5 a b }
puts [catch f m]
puts $m
puts [catch {upvar} m]
puts $m
upvar 1 x y

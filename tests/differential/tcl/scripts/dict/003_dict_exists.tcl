puts [dict exists {a 1} a]
puts [dict exists {a 1} b]
puts [dict exists {a {x 1}} a x]
puts [catch {dict exists {a 1} a x} m]
puts $m

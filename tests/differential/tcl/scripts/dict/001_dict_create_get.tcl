puts [dict create a 1 b 2]
puts "<[dict create]>"
puts [dict create a 1 a 2]
puts [dict get {a 1 b 2} b]
puts [dict get {a {x 1}} a x]
puts [dict get {a 1}]

puts [catch {dict get {a {x 1}} a y} m]
puts $m
dict get {a 1} z

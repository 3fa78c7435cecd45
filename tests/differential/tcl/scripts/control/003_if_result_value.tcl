puts [if 1 {set x one}]
puts "<[if 0 {set x two}]>"
puts [if 0 {} else {expr {3 * 3}}]

proc g {a args} { return $args }
puts [g 1 {x y} z]
puts [llength [g 1 {x y} z]]
puts "<[g 1]>"

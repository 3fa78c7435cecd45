proc a {} { return }
proc b {} { return 1 }
proc c {} { return [list x y] }
puts "<[a]>"
puts [b]
puts [c]

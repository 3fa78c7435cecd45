proc f {} { return f }
rename f g
puts [g]
puts [catch f m]
puts $m
proc f2 {} { return 1 }
puts "<[rename f2 f3]>"
puts [f3]

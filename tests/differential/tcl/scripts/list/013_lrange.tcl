puts [lrange {a b c d} 1 2]
puts [lrange {a b c d} 2 end]
puts [lrange {a b c d} -1 0]
puts "<[lrange {a b c d} 3 1]>"
puts [lrange {a {b c} d} 1 1]
puts [lrange {a b c d} end-1 end]

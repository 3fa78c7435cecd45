puts [lindex {a b c} 1]
puts [lindex {a b c} end]
puts [lindex {a b c} end-1]
puts "<[lindex {a b c} 5]>"
puts "<[lindex {a b} -1]>"
puts [lindex {a b c}]

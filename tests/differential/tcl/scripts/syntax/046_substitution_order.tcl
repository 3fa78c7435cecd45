set i 0
puts [list [incr i] [incr i] [incr i]]
puts "[incr i]-[incr i]"

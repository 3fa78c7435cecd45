puts [incr i]
set i 5
puts [incr i]
puts [incr i -2]
puts [incr i 0x10]
set j 0x10
puts [incr j]
set k " 5 "
puts [incr k]

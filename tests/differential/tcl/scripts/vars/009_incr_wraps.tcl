set i 9223372036854775807
puts [incr i]
puts [incr i -1]

set a 1
puts [info exists a]
puts [info exists nosuch]
set arr(k) 1
puts [info exists arr(k)]
puts [info exists arr(z)]
puts [info exists arr]
proc f {} { info exists a }
puts [f]

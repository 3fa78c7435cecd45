set a 1
puts [info exists a]
puts [info exists nosuch]
array set arr {k v}
puts [info exists arr(k)]
puts [info exists arr(x)]
proc f {} { set l 1; info exists l }
puts [f]

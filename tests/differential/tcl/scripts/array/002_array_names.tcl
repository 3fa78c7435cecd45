array set a {x 1 y 2 z 3}
puts [lsort [array names a]]
puts [lsort [array names a {[xy]}]]
puts "<[array names nosuch]>"
puts [array names a z]

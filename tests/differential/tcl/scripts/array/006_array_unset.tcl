array set a {x 1 y 2 z 3}
array unset a x
puts [lsort [array names a]]
array unset a
puts [array exists a]
array unset nosuch
puts done

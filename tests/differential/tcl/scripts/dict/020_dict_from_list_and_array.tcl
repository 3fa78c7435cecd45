set l [list k1 v1 k2 "v 2"]
puts [dict get $l k2]
array set arr $l
puts [dict get [array get arr] k1]
puts [dict size $l]

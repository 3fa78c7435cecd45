puts [array size nosuch]
array set a {k v}
puts [array size a]
set a(k2) v2
puts [array size a]

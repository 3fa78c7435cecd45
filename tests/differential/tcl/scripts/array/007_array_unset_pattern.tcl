array set d {1 a 2 b 10 c 11 d}
array unset d 1*
puts [array names d]

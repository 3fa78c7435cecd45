array set a {x 1}
puts [array exists a]
puts [array exists nosuch]
set s 1
puts [array exists s]
array set b {}
puts [array exists b]

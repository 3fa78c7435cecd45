array set a {x 1 y 2 z 3}
puts [array get a]
puts [array get a x*]
puts [array size a]
puts $a(y)

set s "x\
	   	y"
puts [string length $s]
puts $s

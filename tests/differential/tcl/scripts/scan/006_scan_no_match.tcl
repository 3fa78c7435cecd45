puts [scan "abc" %d]
puts "<[scan "" %d]>"
puts [scan "12 x" "%d %d"]
puts [scan "x=10" "y=%d"]
puts [scan "x=10" "x=%d"]

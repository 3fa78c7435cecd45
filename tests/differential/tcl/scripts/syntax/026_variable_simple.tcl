set abc 42
set a_b 7
set x9 z
puts $abc-$a_b-$x9
puts $abc.txt
puts "$abc:$a_b"

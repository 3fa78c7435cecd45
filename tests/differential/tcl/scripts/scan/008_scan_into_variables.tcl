puts [scan "1 2" "%d %d" a b]
puts "$a $b"
puts [scan "7" "%d %d" c d]
puts "$c [info exists d]"
puts [scan "" "%d" e]
puts [info exists e]
puts [scan "abc" "%d" f]

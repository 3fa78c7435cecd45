puts a"b"c
puts [list a"b c"d]
puts [llength {a"b c"d}]

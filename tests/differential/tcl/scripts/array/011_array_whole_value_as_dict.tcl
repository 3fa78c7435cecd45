# Reading an array variable as a whole gives its key/value list.
set b(1) x
set b(2) y
puts [set b]
puts [dict get $b 2]

# A lone boolean word is returned as written.
puts [expr {true}]
puts [expr {no}]
puts [expr {true ? 1 : 0}]

proc o {} { set a outer; i }
proc i {} { uplevel 1 {set a} }
puts [o]
proc o2 {} { set a outer; i2 }
proc i2 {} { uplevel #0 {info exists a} }
puts [o2]
puts [uplevel 0 {expr {1 + 1}}]
puts [uplevel #0 {expr {2 + 2}}]

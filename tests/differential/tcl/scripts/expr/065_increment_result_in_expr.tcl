set i 5
puts [expr {[incr i] * [incr i]}]
puts $i

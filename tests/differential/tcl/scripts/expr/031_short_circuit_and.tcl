set n 0
puts [expr {0 && [incr n]}]
puts $n
puts [expr {1 && [incr n]}]
puts $n
puts [expr {0 && [error "never evaluated"]}]

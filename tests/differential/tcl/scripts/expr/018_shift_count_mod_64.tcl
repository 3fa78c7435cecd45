# Jim uses the shift count modulo 64.
puts [expr {1 << 64}]
puts [expr {1 << 65}]
puts [expr {8 >> 64}]
puts [expr {8 >> 65}]
puts [expr {1 << -1}]

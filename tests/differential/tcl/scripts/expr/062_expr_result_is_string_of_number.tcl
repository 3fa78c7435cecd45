set x [expr {0x10}]
puts $x
puts [string length [expr {1e3}]]
puts [expr {0b11 + 0}]
puts [expr {"0x10"}]
puts [expr {" 5 "}]

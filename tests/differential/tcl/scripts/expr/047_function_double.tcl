puts [expr {double(1)}]
puts [expr {double(0x10)}]
puts [expr {double("7")}]
puts [expr {double(2) / 4}]

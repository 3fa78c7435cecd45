puts [expr {abs(-9223372036854775808)}]
puts [expr {abs(-0.0)}]

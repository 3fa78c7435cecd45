# Jim prints doubles with 12 significant digits.
puts [expr {1 / 3.0}]
puts [expr {2 / 3.}]
puts [expr {123456789.123}]
puts [expr {123456789012.5}]
puts [expr {1234567890123.0}]

# Jim does not treat a leading 0 as octal.
puts [expr {010}]
puts [expr {08}]
puts [expr {0009 + 1}]
puts [expr {0d19}]

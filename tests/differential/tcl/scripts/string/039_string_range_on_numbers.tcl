set n 12345
puts [string range $n 1 2]
puts [string index [expr {0x10}] 0]
puts [string length [expr {1.0}]]

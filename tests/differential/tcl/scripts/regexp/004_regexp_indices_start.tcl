puts [regexp -indices {b+} abbbc m]
puts $m
puts [regexp -start 2 a banana m]
puts $m
puts [regexp -all -indices a banana m]
puts $m

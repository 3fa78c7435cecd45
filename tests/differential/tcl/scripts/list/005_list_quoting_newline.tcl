set l [list "line1\nline2" x]
puts $l
puts [llength $l]
puts [lindex $l 0]

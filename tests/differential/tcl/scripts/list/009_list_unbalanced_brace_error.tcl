set l "a {b c"
puts [catch {llength $l} m]
puts $m
puts [catch {lindex "\"abc" 0} m]
puts $m

set m [list [list 1 2] [list 3 4]]
puts [lindex $m 1 1]
set m2 [list $m $m]
puts $m2
puts [llength [lindex $m2 0]]

set l [list a b]
puts [lindex $l [expr {1 +
  "x"}]]

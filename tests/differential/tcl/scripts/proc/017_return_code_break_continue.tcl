proc b {} { return -code break }
proc c {} { return -code continue }
puts [catch b]
puts [catch c]
foreach x {1 2 3} { if {$x == 2} { c }; puts $x }
foreach x {1 2 3} { if {$x == 2} { b }; puts $x }

proc f {} { eval {return early}; return late }
puts [f]
foreach x {1 2 3} { eval {if {$x == 2} break}; puts $x }

foreach x {a b c} { puts $x }
foreach x {} { puts never }
puts "<[foreach x {1 2} {set x}]>"
puts $x

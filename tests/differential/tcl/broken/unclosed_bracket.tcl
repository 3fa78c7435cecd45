set a 1
set b [expr {$a + 1}
puts $b

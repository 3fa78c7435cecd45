set a 1
set b 2

puts [expr {$a + $b}]

set a " 12 "
set b 0x10
set c 2.5
puts [expr {$a + $b}]
puts [expr {$b * $c}]
puts [expr $a+$b]
set d "0b101"
puts [expr {$d + 1}]

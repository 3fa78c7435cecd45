set i 0
while {$i < 5} {incr i}
puts $i
puts "<[while 0 {}]>"
set i 0
while 1 { if {[incr i] > 3} break }
puts $i

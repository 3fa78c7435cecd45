set r 0
for {set i 0} {$i < 5} {incr i} {incr r $i}
puts $r
puts $i
puts "<[for {set i 0} {$i < 3} {incr i} {}]>"

for {set i 0} {$i < 3} {incr i; if {$i == 2} break} { puts "f$i" }
puts "after $i"

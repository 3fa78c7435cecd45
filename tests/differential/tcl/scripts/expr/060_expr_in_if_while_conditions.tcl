set i 0
while {$i < 3 && "$i" ne "2"} { incr i }
puts $i
if {"abc" in {x abc}} { puts in } else { puts out }
if {0x10 == 16.0} { puts hexeq }

foreach {a b} {1 2 3 4 5} {}
puts "<$a> <$b>"
for {set k 10} {$k > 7} {incr k -1} {}
puts $k

puts [catch {regexp -expanded {a b} ab} m]
puts $m
regexp -foo a a

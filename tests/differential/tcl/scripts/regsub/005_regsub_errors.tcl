puts [catch {regsub a b c d e} m]
puts $m
puts [catch {regsub {(} a b} m]
puts $m
regsub

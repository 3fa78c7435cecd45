set z {a b}
puts [catch {lset z 5 x} m]
puts $m
puts [catch {lset nolist 0 x} m]
puts $m
lset z end+1 c

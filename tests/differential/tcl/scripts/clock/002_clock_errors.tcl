puts [catch {clock seconds x} m]
puts $m
puts [catch {clock milliseconds x} m]
puts $m
clock nosuchsub

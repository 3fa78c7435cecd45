catch {info args nosuch} m
puts $m
catch {info body set} m
puts $m
info body nosuch

# This jimsh has no floating-point ** : any double operand is an error.
puts [catch {expr {2.0 ** 2}} m]
puts $m
puts [catch {expr {2 ** 0.5}} m]
puts $m
expr {1.5 ** 2}

puts [lindex {{a b} {c d}} 1 0]
puts [lindex {a {b {c d}}} 1 1 0]
puts [lindex {a b} 0 0 0]
puts [catch {lindex {{a b} {c d}} {1 0}} m]
puts $m

set args {a b c}
puts [llength [list {*}$args]]
puts [list x {*}$args y]
puts [list {*}{} z]
puts [list {*}[list 1 2] {*}"3 4"]

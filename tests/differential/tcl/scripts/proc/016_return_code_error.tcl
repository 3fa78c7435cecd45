proc f {} { return -code error "E1" }
puts [catch f m]
puts $m
f

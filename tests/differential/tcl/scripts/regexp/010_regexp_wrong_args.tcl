puts [catch {regexp a} m]
puts $m
regexp

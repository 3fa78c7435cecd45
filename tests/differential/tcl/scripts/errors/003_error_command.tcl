puts [catch {error "simple message"} m]
puts $m
error "top level failure"

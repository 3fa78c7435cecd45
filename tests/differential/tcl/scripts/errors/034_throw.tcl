puts [catch {throw error "thrown msg"} m]
puts $m
puts [catch {throw break} m]
puts [catch {throw 9 nine} m]
puts $m

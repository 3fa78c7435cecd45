puts [catch {error} m]
puts $m
puts [catch {error a b c} m]
puts $m

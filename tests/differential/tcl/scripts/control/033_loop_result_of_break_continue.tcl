puts [catch {break} m]
puts [catch {continue} m]
puts [catch {for {set i 0} {$i < 2} {incr i} {break}} r]
puts "<$r>"

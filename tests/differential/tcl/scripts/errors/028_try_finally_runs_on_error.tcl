puts [catch { try { error inner } finally { puts "fin2" } } m]
puts $m
proc p {} { try { return fromtry } finally { puts "fin3" } }
puts [p]

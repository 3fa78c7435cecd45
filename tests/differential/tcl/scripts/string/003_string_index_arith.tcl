puts [string index hello 1+1]
puts [string index hello end-1-1]
puts [string index abcdef 2-1]
puts [catch {string index abc x} m]
puts $m

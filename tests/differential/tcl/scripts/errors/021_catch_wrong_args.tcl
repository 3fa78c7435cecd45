puts [catch {catch} m]
puts $m
catch -foo {break} m

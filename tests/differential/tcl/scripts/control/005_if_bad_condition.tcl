puts [catch {if abc {}} m]
puts $m
if {"maybe"} {puts never}

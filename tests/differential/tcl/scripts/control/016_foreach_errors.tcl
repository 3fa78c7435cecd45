puts [catch {foreach {} {a} {}} m]
puts $m
foreach a {}

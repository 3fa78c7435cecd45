puts [catch {try {error x} on foo {} {}} m]
puts $m
try

proc h {} { return -code 9 x }
puts [catch h m]
puts $m
proc k {} { return -code return -level 1 inner }
puts [catch k m]
puts $m

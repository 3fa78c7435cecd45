puts [string is integer -strict [clock seconds]]
puts [string is integer -strict [clock milliseconds]]
puts [expr {[clock seconds] > 1600000000}]
puts [expr {[clock milliseconds] / 1000 - [clock seconds] <= 1}]

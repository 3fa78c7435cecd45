set csv "x,y z,,w"
set parts [split $csv ,]
puts [llength $parts]
puts [join $parts ,]
puts [expr {[join $parts ,] eq $csv}]

namespace eval cfg { variable speed 1000 }
proc show {} { return $::cfg::speed }
puts [show]
proc bump {} { incr ::cfg::speed 500 }
bump
puts $::cfg::speed

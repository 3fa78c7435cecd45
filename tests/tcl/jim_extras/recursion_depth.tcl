proc down {n} { down [expr {$n+1}] }
catch {down 0} m o
puts $m
puts [llength [dict get $o -errorinfo]]
puts [info level]
set i 0
proc d2 {} { global i; incr i; d2 }
catch d2
puts $i
proc d3 {} { global i; incr i; namespace eval x d3 }
set i 0
catch d3
puts $i

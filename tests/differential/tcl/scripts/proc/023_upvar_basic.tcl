proc inc {vn} { upvar $vn v; incr v }
set x 1
inc x
puts $x
proc inc2 {vn} { upvar 1 $vn v; incr v }
inc2 x
puts $x

proc a {} { set v 1; catch {variable v} m; return $m }
puts [a]
namespace eval n { variable x 5; variable x; puts $x; variable x 6; puts $x }
puts $n::x
proc b {} { variable ::n::x; return $x }
puts [b]
proc c {} { variable q(1) 2 }
puts [catch c m]$m
proc d {} { variable ::n::y 7; return [info vars] }
puts [d]
puts $::n::y
variable gtop 3
puts $gtop
proc e {} { upvar 0 ::n::x loc; global gtop; return "$loc $gtop" }
puts [e]
namespace eval n { proc f {} { variable x; incr x } }
puts [n::f]

proc outer {} { set v 1; apply {{} {info exists v}} }
puts [outer]
set gv 2
puts [apply {{} {global gv; return $gv}}]
puts [apply {{} {uplevel 1 {set gv}}}]

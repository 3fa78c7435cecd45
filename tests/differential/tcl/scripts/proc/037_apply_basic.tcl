puts [apply {{x} {expr {$x * 2}}} 4]
puts [apply {{x {y 3}} {expr {$x + $y}}} 4]
puts [apply {{args} {llength $args}} a b c]
puts [apply {x {return $x}} 7]
set l {{a b} {list $b $a}}
puts [apply $l 1 2]

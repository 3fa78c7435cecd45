set v 3
set arr(k) 9
puts [expr {$v + 1}]
puts [expr {${v} + 2}]
puts [expr {$arr(k) * 2}]
puts [expr {[string length abc] * 2}]
puts [expr {"x$v" eq "x3"}]
puts [expr {"a\tb" eq "a\tb"}]

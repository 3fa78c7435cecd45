puts [expr {"a" in {a b c}}]
puts [expr {"d" in {a b c}}]
puts [expr {"d" ni {a b c}}]
puts [expr {"a" ni {a b c}}]
puts [expr {1 in {1 2}}]
puts [expr {"1.0" in {1 2}}]
set l {x {y z}}
puts [expr {"y z" in $l}]

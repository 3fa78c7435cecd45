set x(a) 1
set y x
puts [set ${y}(a)]
puts [set $y\(a)]

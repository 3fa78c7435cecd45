set d {a 1 b 2}
puts [dict unset d a]
set d {a 1}
puts [dict unset d z]
set d {a {x 1 y 2}}
puts [dict unset d a x]

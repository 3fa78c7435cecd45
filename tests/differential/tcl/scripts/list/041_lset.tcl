set x {a b c}
lset x 1 B
puts $x
set y {{a b} {c d}}
lset y 1 0 C
puts $y
set w {a b}
lset w {} new
puts $w

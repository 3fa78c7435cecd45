puts [lassign {a b c} x y]
puts "$x $y"
puts "<[lassign {a} p q]>"
puts "<$p> <$q>"
puts [lassign {a b c d} first]

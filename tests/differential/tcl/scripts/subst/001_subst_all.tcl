set v 5
puts [subst {$v [expr {1+1}] \t|}]
puts [subst {${v}x}]
puts [subst "\$v"]
puts [subst {a\x41}]

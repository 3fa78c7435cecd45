puts "<[subst {[break] after}]>"
puts "<[subst {a [continue] b}]>"
puts "<[subst {[return x] y}]>"

set v 5
puts [subst -nocommands {$v [expr 1]}]
puts [subst -novariables {$v [expr 1]}]
puts [subst -nobackslashes {a\tb $v}]
puts [subst -nocommands -novariables {$v [x] \x41}]

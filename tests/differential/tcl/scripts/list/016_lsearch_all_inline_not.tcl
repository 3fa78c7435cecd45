puts [lsearch -all {a b a} a]
puts [lsearch -all -inline -glob {a1 b a2} a*]
puts [lsearch -not {a b c} a]
puts [lsearch -not -all {a b a} a]
puts "<[lsearch -all {a b} z]>"

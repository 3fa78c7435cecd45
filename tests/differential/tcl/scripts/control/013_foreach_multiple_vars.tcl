set r {}
foreach {a b} {1 2 3} {lappend r "$a-$b"}
puts $r
foreach {a b c} {1 2 3 4 5 6 7} {puts "<$a><$b><$c>"}

set r {}
foreach a {1 2} b {x y z} {lappend r $a$b}
puts $r
foreach {a b} {1 2 3 4} c {x y} {puts "$a $b $c"}

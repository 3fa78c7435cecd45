set r {}
dict for {k v} {a 1 b 2} { lappend r $k=$v }
puts $r
puts "<[dict for {k v} {} {}]>"
dict for {k} {a 1} {}

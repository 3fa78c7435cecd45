set d {a 1}
puts [dict set d b 2]
set e {}
puts [dict set e a b c 1]
puts [dict set nodict k v]
puts [catch {dict set d a x 5} m]
puts $m

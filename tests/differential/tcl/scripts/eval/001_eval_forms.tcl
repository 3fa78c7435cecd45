puts [eval {set a 1}]
puts [eval set b 2]
puts [eval [list set c "x y"]]
puts "<[eval {}]>"
puts [eval {set d 1; set e 2}]
puts [eval list a {b c}]

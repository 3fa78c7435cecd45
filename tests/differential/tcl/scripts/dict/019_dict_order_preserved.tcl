set d [dict create z 1 a 2 m 3]
dict set d b 4
dict set d z 9
puts $d
puts [dict keys $d]

set d {a 1}
puts [dict append d a 2 3]
set e {}
puts [dict append e k v]
set f {a {1}}
puts [dict lappend f a 2 3]
set g {}
puts [dict lappend g k "v w"]

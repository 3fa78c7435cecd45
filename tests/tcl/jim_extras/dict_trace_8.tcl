puts start
set d {a 1 b}; dict lappend d a x

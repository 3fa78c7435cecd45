puts start
set d {a "x}; dict lappend d a y

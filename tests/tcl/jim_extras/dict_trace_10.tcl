puts start
dict lappend

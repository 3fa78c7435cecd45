set a(n) 1
incr a(n)
append a(s) abc
lappend a(l) 1 2
puts "$a(n) $a(s) $a(l)"
unset a(s)
puts [lsort [array names a]]

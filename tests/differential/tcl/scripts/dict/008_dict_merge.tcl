puts [dict merge {a 1 b 2} {b 3 c 4}]
puts "<[dict merge]>"
puts [dict merge {a 1}]
dict merge {a 1} {b}

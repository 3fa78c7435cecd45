puts [dict size {a 1 b 2}]
puts [dict size {}]
dict size {a 1 b}

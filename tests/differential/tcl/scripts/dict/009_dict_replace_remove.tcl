puts [dict replace {a 1 b 2} b 3 c 4]
puts [dict replace {a 1}]
puts [dict remove {a 1 b 2 c 3} a c]
puts [dict remove {a 1} z]

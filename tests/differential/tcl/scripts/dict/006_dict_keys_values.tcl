puts [dict keys {a 1 b 2 c 3}]
puts [dict keys {a 1 b 2 ab 3} a*]
puts [dict values {a 1 b 2}]
puts [dict values {a 1 b 2} 2]

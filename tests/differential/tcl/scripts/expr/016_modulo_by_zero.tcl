# Jim's error message for an integer remainder by zero is just "0".
puts [catch {expr {7 % 0}} m]
puts "<$m>"

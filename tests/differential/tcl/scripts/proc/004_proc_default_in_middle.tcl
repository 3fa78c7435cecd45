# Jim fills required parameters after an optional one from the right.
proc m {a {b 2} c} { return "$a $b $c" }
puts [m 1 3]
puts [m 1 5 3]
m 1

# Without braces the expression text is substituted by the parser, then by expr.
set op +
set a {[set b 5]}
puts [expr "2 $op 3"]
puts [expr "1 $op 1"]
puts [expr "$a + 1"]
puts $b

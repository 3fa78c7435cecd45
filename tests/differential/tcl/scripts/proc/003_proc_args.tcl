proc f {a {b 2} args} { return "$a $b [list $args]" }
puts [f 1]
puts [f 1 3]
puts [f 1 3 4 5]
proc g {args} { llength $args }
puts [g]
puts [g a b]
puts [g {a b}]

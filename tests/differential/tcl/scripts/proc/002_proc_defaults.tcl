proc f {a {b 2}} { return "$a $b" }
puts [f 1]
puts [f 1 3]
proc d {{a x} {b y}} { return $a$b }
puts [d]
puts [d 1]
puts [d 1 2]

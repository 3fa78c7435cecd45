proc f {a a} { return $a }
puts [f 1 2]

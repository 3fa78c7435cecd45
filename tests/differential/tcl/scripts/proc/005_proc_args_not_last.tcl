# Jim allows args before other parameters.
proc f {args x} { return "[list $args] $x" }
puts [f 1]
puts [f 1 2]
puts [f 1 2 3]

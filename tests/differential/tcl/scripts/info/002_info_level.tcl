proc f {a {b 2} args} { return [info level] }
puts [f 1]
puts [info level]
proc nest {} { f 1 }
puts [nest]

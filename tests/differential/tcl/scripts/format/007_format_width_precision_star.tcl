puts [format %*d| 5 1]
puts [format %-*d| 5 1]
puts [format %.*f 2 3.14159]
puts [format %.10d 5]

puts [scan "5 6" "%*d %d"]
puts [scan "5 6" "%d%n"]
puts [scan "1 2 3" {%2$d %1$d}]

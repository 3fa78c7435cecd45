puts [list a b c]
puts [list a {b c} "d e" {}]
puts "<[list]>"
puts [list [list a b] [list [list c]]]

puts [list # a]
puts [list #a]
puts [list "a b" #]
puts [list "#x y"]

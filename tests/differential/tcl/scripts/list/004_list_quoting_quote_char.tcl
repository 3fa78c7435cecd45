puts [list "a\"b"]
puts [list "a\""]
puts [list "\"a"]

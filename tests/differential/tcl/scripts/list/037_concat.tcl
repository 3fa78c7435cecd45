puts [concat a b]
puts [concat {a b} {c d}]
puts "<[concat " a " " b "]>"
puts [concat {} {} a]
puts [concat "a\n" b]
puts "<[concat]>"

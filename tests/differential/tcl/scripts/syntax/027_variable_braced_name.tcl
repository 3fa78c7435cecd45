set {my var} spaced
set {a.b} dotted
puts ${my var}
puts ${a.b}
puts "${my var}!"
set {} empty
puts ${}

puts [string cat a b c]
puts "<[string cat]>"
puts [string cat "a b" c]
set x 1
puts [string cat $x $x $x]

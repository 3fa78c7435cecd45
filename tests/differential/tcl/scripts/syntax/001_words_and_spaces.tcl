# Words are separated by spaces and tabs; extra whitespace does not make empty words.
puts [llength [list a   b	c]]
set x    hello
puts   $x
puts [list   one two  three   ]

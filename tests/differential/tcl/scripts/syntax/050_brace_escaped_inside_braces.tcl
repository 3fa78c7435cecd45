puts {a \{ b}
puts [string length {\{}]
puts {x \} y}

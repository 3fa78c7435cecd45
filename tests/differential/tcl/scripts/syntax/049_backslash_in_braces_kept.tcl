puts {a\tb}
puts [string length {\x41}]
puts {\\}

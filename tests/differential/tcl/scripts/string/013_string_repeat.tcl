puts [string repeat ab 3]
puts "<[string repeat ab 0]>"
puts "<[string repeat ab -1]>"
puts [string repeat - 10]
string repeat a b

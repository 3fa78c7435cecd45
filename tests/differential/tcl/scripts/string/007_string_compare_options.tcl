puts [string compare -nocase A a]
puts [string compare -length 2 abc abd]
puts [string compare -nocase -length 2 ABx abY]
puts [string compare -length 3 abc abd]
string compare -foo a b

puts [split "a b c"]
puts [split a,b,c ,]
puts [split abc ""]
puts [split "a,b;c" ",;"]
puts [split ",a,,b," ,]
puts "<[split "" ,]>"
puts [split "a  b"]

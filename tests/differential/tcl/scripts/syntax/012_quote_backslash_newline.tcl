set s "a\
      b"
puts "<$s>"
puts [string length $s]

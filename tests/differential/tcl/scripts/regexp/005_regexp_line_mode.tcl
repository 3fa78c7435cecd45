puts [regexp -line {^b} "a\nb"]
puts [regexp {^b} "a\nb"]
puts [regexp {a.b} "a\nb"]
puts [regexp -line {a.b} "a\nb"]

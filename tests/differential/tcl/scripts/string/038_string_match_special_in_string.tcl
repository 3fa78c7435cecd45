puts [string match {*\\*} {a\b}]
puts [string match {a[*]b} {a*b}]
puts [string match {*?} {}]

set ::top 1
puts $top
set a(b) 2
puts [set a(b)]
set {x y} 3
puts [set {x y}]
set "p q" 4
puts ${p q}

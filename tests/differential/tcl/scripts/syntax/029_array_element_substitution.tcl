set a(one) 1
set a(two) 2
set k two
puts $a(one)
puts $a($k)
puts "$a(one)+$a($k)"
set a(x,y) comma
puts $a(x,y)

set a 1
puts $a-$a+$a/$a
puts "$a,$a;$a"
puts $a::b

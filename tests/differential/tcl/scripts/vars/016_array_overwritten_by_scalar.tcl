set c(1) x
set c 5
puts $c

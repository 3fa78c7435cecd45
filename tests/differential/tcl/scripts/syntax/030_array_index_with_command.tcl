set arr(3) three
puts $arr([expr {1+2}])
set i 1
set arr(k1) v
puts $arr(k$i)

# Jim binds unary minus tighter than **.
puts [expr {-2 ** 2}]
puts [expr {-3 ** 2}]
puts [expr {-2 ** 3}]
puts [expr {(-2) ** 2}]
puts [expr {-(2 ** 2)}]
set x 2
puts [expr {-$x ** 2}]

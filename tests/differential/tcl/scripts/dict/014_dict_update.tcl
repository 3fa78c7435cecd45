set d {a 1 b 2}
dict update d a x b y { set x 10; unset y }
puts $d

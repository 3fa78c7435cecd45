set d {a 1 b 2}
dict with d { set a 5 }
puts $d
puts $b
dict with nosuch {}

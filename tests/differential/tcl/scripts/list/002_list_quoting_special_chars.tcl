puts [list "a{b" "a}b" "{a" "a b{"]
puts [list "x\\" "\\" "" " " "a\tb"]
puts [list "\$x" "\[" "{}" "{a} b" "a;b" "}{"]

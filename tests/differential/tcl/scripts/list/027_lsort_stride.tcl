puts [lsort -stride 2 {b 1 a 2}]
puts [lsort -stride 2 -index 1 {a 2 b 1}]
lsort -stride 3 {a b}

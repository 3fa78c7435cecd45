puts [lsearch -index 1 {{a 1} {b 2}} 2]
puts [lsearch -index 0 -inline {{a 1} {b 2}} b]
puts [lsearch -stride 2 {a 1 b 2} b]
puts [lsearch -stride 2 -index 1 {a 1 b 2} 2]

puts [lsearch -stride 2 {a 1 b 2} b]
puts [lsearch -stride 2 {a 1 b 2} 2]
puts [lsearch -stride 2 -inline {a 1 b 2} b]
puts [lsearch -stride 2 -inline -index 1 {a 1 b 2} 2]
puts [lsearch -stride 2 -all {a 1 b 2 a 3} a]
puts [lsearch -stride 2 -all -inline {a 1 b 2 a 3} a]
puts [lsearch -stride 2 -all -inline -index 1 {a 1 b 2 a 3} 3]
puts [lsearch -stride 2 -not {a 1 b 2} a]
puts [lsearch -stride 2 -bool {a 1 b 2} b]
catch {lsearch -stride 3 {a 1 b 2} b} m; puts $m
catch {lsearch -stride 0 {a 1 b 2} b} m; puts $m
catch {lsearch -stride 2 -index 2 {a 1 b 2} b} m; puts $m
catch {lsearch -stride x {a 1 b 2} b} m; puts $m
catch {lsearch -stride} m; puts $m
puts [lsort -stride 2 {b 1 a 2}]
puts [lsort -stride 2 -index 1 {a 2 b 1}]
puts [lsort -stride 2 -decreasing {b 1 a 2 c 0}]
puts [lsort -stride 2 -unique {b 1 a 2 b 0}]
puts [lsort -stride 3 -index 2 -integer {x y 3 p q 1 m n 2}]
catch {lsort -stride 2 -index 2 {a 2 b 1}} m; puts $m
catch {lsort -stride 1 {a 2 b 1}} m; puts $m
catch {lsort -stride 0 {a 2 b 1}} m; puts $m
catch {lsort -stride x {a 2 b 1}} m; puts $m
catch {lsort -stride 2 -index -1 {a 2 b 1}} m; puts $m
puts [lsort -stride 2 -index end {a 2 b 1}]

proc bylen {a b} { expr {[string length $a] - [string length $b]} }
puts [lsort -command bylen {ccc a bb}]
puts [lsort -command {apply {{a b} {expr {$b - $a}}}} {1 3 2}]

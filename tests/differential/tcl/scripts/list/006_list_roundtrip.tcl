set items [list "a{b" "x\\" "}{" "\"q\"" "a b" "" "\$v" "\[c\]"]
set s $items
foreach e $s { puts "<$e>" }
puts [expr {[llength $s] == 8}]

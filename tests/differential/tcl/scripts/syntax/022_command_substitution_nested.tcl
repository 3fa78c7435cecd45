puts [string toupper [string range [list [string repeat ab 3]] 1 3]]
puts [expr {[llength [list [list a b] [list c [list d e]]]] * 2}]

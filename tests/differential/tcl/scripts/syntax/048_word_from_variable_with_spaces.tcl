set v "a b c"
puts [llength $v]
puts [llength [list $v]]
set w [list $v]
puts $w

lappend l a
lappend l b c
lappend l "d e"
puts $l
puts [llength $l]
puts [lappend l]

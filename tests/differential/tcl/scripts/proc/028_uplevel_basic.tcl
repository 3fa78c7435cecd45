proc lvl {} { uplevel 1 {set made here} }
lvl
puts $made
proc lvl2 {} { uplevel {set q 1}; return [info exists q] }
puts [lvl2]
puts $q
proc ul {} { uplevel 1 set ul_x 5 }
ul
puts $ul_x

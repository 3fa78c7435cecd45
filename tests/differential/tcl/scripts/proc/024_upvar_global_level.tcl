proc top {} { upvar #0 gg v; set v set_by_top }
top
puts $gg
proc deep1 {} { deep2 }
proc deep2 {} { upvar #0 gg g; upvar 2 loc l; return "$g" }
puts [deep1]

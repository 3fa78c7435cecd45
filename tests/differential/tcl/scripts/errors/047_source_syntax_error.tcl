puts [catch {source 047_helper_unbalanced.inc} m]
puts $m
source 047_helper_unbalanced.inc

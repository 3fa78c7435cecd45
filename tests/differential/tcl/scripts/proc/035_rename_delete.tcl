proc g {} { return g }
rename g ""
puts [catch g m]
puts $m
rename nosuch x

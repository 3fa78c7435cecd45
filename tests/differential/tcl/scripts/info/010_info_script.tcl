puts [info script]
proc sc {} { info script }
puts [sc]

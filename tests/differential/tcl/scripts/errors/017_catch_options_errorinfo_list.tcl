# Jim's -errorinfo is a list of proc/file/line triples.
proc f {} { error boom }
proc g {} { f }
catch {g} m o
puts $m
puts [dict get $o -errorinfo]

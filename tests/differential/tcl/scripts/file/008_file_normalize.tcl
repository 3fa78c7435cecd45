puts [file normalize /]
puts [expr {[file normalize .] eq [pwd]}]
puts [expr {[file normalize 008_file_normalize.tcl] eq [file join [pwd] 008_file_normalize.tcl]}]
puts [catch {file normalize nosuchdir/x} m]
puts $m

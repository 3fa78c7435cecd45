puts [source 001_helper_lib.inc]
puts $fromlib
puts [libproc 0]
puts [info script]

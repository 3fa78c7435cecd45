source 045_helper_lib.inc
puts [libproc 0]
libproc 1

puts [info script]
source 011_helper_script.inc
puts [info script]

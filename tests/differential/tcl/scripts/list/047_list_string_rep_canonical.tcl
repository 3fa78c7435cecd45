set l "  a   b\tc  "
puts [llength $l]
puts [lrange $l 0 end]
puts [lreplace $l 0 -1]

proc level3 {} { return -code error "from level3" }
proc level2 {} {
    level3
}
proc level1 {} {
    # a comment line
    level2
}
catch level1 m o
puts $m
puts [dict get $o -errorinfo]
level1

set l {a b c}
while {[llength $l]} {
    puts [lindex $l 0]
    set l [lrange $l 1 end]
}

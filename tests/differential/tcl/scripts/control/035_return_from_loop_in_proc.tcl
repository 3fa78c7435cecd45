proc f {} {
    for {set i 0} {$i < 3} {incr i} {
        if {$i == 1} { return "ret $i" }
    }
    return none
}
puts [f]

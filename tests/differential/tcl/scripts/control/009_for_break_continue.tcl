set r {}
for {set i 0} {$i < 10} {incr i} {
    if {$i == 3} continue
    if {$i == 6} break
    lappend r $i
}
puts $r
puts $i

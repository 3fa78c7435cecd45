proc fill {name} {
    upvar $name arr
    for {set i 0} {$i < 3} {incr i} { set arr($i) [expr {$i * $i}] }
}
fill sq
puts [array get sq]

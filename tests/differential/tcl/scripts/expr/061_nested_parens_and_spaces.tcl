puts [expr {((((1))))}]
puts [expr {( 1 + ( 2 * ( 3 + 4 ) ) )}]
puts [expr {
    1 +
    2
}]

proc a {} { b }
proc b {} {
    c 1
}
proc c {x} {
    error "deep failure $x"
}
a

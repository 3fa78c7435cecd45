set a 1
set b 2

# comment line

proc f {} {
    set x 1
    set y [expr {$x +}]
}
set c 3
f

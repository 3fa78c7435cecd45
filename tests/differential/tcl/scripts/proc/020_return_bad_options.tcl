foreach s {{return -code foo} {return a b} {return -foo 1 a}} {
    catch $s m
    puts $m
}

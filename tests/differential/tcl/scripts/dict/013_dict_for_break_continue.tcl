dict for {k v} {a 1 b 2 c 3 d 4} {
    if {$k eq "b"} continue
    if {$k eq "d"} break
    puts "$k $v"
}

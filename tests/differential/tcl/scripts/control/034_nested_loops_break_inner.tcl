foreach a {1 2 3} {
    foreach b {x y z} {
        if {$b eq "y"} break
        puts "$a$b"
    }
}

foreach n {1 5 10 50 100} {
    if {$n < 2} {
        puts small
    } elseif {$n < 8} {
        puts medium
    } elseif {$n < 20} {
        puts large
    } elseif {$n < 80} {
        puts huge
    } else {
        puts giant
    }
}

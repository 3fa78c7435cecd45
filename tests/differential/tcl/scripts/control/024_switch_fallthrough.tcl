foreach s {a b c d} {
    puts [switch $s {
        a -
        b { set r ab }
        c - d { set r cd }
    }]
}

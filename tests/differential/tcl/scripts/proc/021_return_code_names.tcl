foreach c {ok error return break continue 0 1 2 3 4} {
    puts "$c -> [catch {return -level 0 -code $c x}]"
}

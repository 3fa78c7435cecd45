foreach c [list "\a" "\b" "\f" "\n" "\r" "\t" "\v"] {
    puts [scan $c %c]
}

foreach cmd {{nosuch} {set} {expr {1/0}} {lindex a x}} {
    catch $cmd m
    puts "$cmd => $m"
}
puts done

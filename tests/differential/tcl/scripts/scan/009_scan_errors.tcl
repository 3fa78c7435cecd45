foreach s {{scan a %z} {scan "ff" %X} {scan 101 %b} {scan 1 "%d %d" a} {scan "1" "%d" a b} {scan a}} {
    catch $s m
    puts $m
}
scan

foreach s {{string length} {string index abc} {string range abc 1} {string repeat}
           {string first a} {string last a} {string trim} {string replace a 1}
           {string match a} {string tolower} {string reverse} {string is}} {
    catch $s m
    puts $m
}

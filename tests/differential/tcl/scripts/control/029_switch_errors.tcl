foreach s {{switch a {a -}} {switch -foo a {a {}}} {switch a {a}} {switch -nocase A {a {}}}} {
    catch $s m
    puts $m
}
switch

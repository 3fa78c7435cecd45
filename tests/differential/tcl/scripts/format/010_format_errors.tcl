foreach s {{format %d x} {format %d} {format %q 1} {format %d 3.7} {format %f abc} {format {%s %s} a} {format %} {format %d ""}} {
    catch $s m
    puts $m
}

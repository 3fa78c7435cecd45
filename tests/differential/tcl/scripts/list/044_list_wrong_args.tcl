foreach s {llength lrange lreplace linsert lsearch lassign lrepeat lreverse lmap join split lsort} {
    catch $s m
    puts $m
}

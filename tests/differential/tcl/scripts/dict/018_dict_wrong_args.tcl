foreach s {{dict keys} {dict values} {dict size} {dict for} {dict incr} {dict replace}
           {dict remove} {dict get} {dict create a} {dict set} {dict unset} {dict exists}} {
    catch $s m
    puts $m
}
dict

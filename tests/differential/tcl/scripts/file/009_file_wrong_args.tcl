foreach s {{file dirname} {file tail a b} {file join} {file extension} {file rootname} {file exists}} {
    catch $s m
    puts $m
}

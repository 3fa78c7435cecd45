set words {pear Apple banana apple Banana}
foreach a $words {
    set row {}
    foreach b $words { lappend row [string compare $a $b] }
    puts $row
}

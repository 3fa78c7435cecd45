foreach v {true false yes no on off 0 1 maybe "" TRUE 2} {
    puts "[list $v] [string is boolean $v]"
}

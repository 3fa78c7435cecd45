foreach v {12 -12 +3 0x1f 0b11 1.5 "" " 12 " abc 1e3} {
    puts "[list $v] [string is integer $v] [string is integer -strict $v]"
}

foreach v {1.5 1e3 abc "" 12 .5 -0.0 1e Inf} {
    puts "[list $v] [string is double $v] [string is double -strict $v]"
}

proc maker {name val} {
    proc $name {} [list return $val]
}
maker get5 5
maker get6 6
puts [get5][get6]

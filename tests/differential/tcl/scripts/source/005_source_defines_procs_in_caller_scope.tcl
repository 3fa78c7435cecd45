proc loader {} {
    source 005_helper_set.inc
    return [info exists sourced_local]
}
puts [loader]
puts [info exists sourced_local]

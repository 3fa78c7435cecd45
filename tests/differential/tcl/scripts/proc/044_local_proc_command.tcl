proc work {} {
    local proc helper {} { return helped }
    return [helper]
}
puts [work]
puts [catch helper m]
puts $m

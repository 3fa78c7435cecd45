foreach e {a {b c} "d e f" {}} {
    puts "[llength $e]:<$e>"
}

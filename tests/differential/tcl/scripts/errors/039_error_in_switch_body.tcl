switch -- b {
    a { puts a }
    b {
        set v [string range abc x y]
    }
}

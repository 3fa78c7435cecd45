proc two {a b} {}
proc caller {} {
    two 1
}
caller

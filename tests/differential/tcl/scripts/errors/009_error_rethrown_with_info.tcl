proc f {} { error inner }
if {[catch f m o]} {
    error "wrapped: $m" [dict get $o -errorinfo]
}

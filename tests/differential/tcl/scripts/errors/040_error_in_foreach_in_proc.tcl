proc walk {items} {
    foreach i $items {
        if {$i eq "bad"} {
            error "bad item"
        }
    }
}
proc run {} { walk {ok ok bad} }
run

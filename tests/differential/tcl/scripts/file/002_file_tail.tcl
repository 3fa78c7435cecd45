foreach p {/a/b/c.txt a/b/ a / ""} {
    puts "[list $p] -> [list [file tail $p]]"
}

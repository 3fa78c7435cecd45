foreach p {a/b.txt a/b a.b/c a.tar.gz .bashrc} {
    puts "[list $p] -> [list [file rootname $p]]"
}

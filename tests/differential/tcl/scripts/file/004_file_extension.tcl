foreach p {a/b.txt a/b a.b/c .bashrc a.tar.gz a. ""} {
    puts "[list $p] -> [list [file extension $p]]"
}

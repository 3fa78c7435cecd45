lsearch -sorted {a b c} b

puts start
dict remove {a 1 b}

puts start
dict replace {a 1 b} b c

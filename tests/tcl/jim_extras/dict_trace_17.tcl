puts start
dict for {k} {a 1} {}

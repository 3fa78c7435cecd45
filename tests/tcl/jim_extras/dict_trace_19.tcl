puts start
dict for {k v} {a 1} {error inner}

puts start
dict update

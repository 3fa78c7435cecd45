puts start
dict remove

puts start
dict replace

puts start
dict append d

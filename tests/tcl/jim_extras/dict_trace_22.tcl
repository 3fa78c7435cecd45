puts start
set d {a 1}; dict update d a

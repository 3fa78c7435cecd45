puts start
set d {a}; dict append d a x

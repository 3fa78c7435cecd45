proc f {} { return -code error -errorcode {A B} msg }
f

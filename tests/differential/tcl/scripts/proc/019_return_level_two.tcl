proc k2 {} { return -level 2 v }
proc k3 {} { k2; return after }
puts [k3]

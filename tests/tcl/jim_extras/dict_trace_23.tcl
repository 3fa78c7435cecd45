puts start
proc f {} { set d {a x}; dict incr d a }
f

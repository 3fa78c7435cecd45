puts start
set d {a 1}; dict incr d a q

puts start
set d {a}; dict incr d a

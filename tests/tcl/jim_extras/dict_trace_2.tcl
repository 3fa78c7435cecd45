puts start
set d {a x}; dict incr d a

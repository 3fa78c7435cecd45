puts start
set d x; dict incr d a

puts start
dict incr

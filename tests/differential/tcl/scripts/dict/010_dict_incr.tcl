set d {a 1}
puts [dict incr d a]
puts [dict incr d b 5]
set d {a x}
dict incr d a

puts [regexp {\w+} "hello world" m]
puts $m
puts [regexp {[[:digit:]]+} abc123 m]
puts $m
puts [regexp {\s} "a b"]
puts [regexp {[^a-z]} abc]
puts [regexp {\.} a.b]
puts [regexp {\x41} A]

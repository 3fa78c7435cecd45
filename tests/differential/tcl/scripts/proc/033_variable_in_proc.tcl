proc pp {} { variable zz 5; return $zz }
puts [pp]
puts $zz
proc pq {} { variable zz; incr zz }
puts [pq]

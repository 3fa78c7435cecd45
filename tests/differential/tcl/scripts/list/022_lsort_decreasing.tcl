puts [lsort -decreasing {c a b}]
puts [lsort -integer -decreasing {3 10 2}]

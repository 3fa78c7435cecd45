puts [lsort -integer {10 9 100}]
puts [lsort -integer {0x10 15 -1}]
puts [lsort -real {1.5 1.25 10}]
puts [lsort -real {2 1.5 -3e1}]

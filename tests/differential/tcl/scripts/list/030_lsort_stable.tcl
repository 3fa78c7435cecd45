puts [lsort -index 0 {{b 1} {a 1} {b 2} {a 2} {b 3}}]
puts [lsort -integer -index 1 {{x 1} {y 0} {z 1} {w 0}}]

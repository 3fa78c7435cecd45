puts [lsort -index 1 {{a 3} {b 1} {c 2}}]
puts [lsort -index 1 -integer {{a 10} {b 9}}]
puts [lsort -index end {{x 2 b} {y 1 a}}]
puts [lsort -unique -index 0 {{a 1} {a 2} {b 3}}]

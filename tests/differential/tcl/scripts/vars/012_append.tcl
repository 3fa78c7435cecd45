puts [append s1 a b c]
set s2 x
puts [append s2]
set s4(k) 1
puts [append s4(k) 2]
append s3

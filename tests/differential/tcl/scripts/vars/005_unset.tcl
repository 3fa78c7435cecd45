set u 1
unset u
puts [info exists u]
set u1 1
set u2 2
unset u1 u2
puts [info exists u1][info exists u2]
puts "<[unset]>"

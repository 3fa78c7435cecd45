set s "abcdef"
set n 2
puts [string index $s end-$n]
puts [string range $s $n end-$n]
puts [string range $s end-$n+1 end]

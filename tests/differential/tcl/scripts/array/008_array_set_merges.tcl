set c(k) v
array set c {k w m n}
puts [array get c]

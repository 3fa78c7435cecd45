# Jim arrays keep insertion order.
set d(2) two
set d(1) one
set d(10) ten
puts [array names d]
puts [array get d]

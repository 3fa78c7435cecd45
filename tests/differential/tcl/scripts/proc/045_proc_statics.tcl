# Jim procs may have static variables.
set start 10
proc counter {} {{n 0} start} { incr n; return "$n $start" }
puts [counter]
puts [counter]
puts [counter]

proc f {} { return one }
puts [f]
proc f {} { return two }
puts [f]

set n 3
puts pre[expr {$n * 2}]post
puts [string length x[string repeat y 4]z]

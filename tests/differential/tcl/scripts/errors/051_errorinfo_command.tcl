# Jim's errorInfo command formats a message and a -errorinfo stack trace the way
# jimsh reports an uncaught error.
proc f {} { error boom }
proc g {} { f }
catch g m o
puts [errorInfo $m [dict get $o -errorinfo]]
puts ---
catch {set nosuch} m o
puts [errorInfo $m [dict get $o -errorinfo]]
puts ---
puts [info stacktrace]

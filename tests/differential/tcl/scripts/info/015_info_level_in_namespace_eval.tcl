namespace eval ns { puts [info level] }
proc f {} { namespace eval ns2 { info level } }
puts [f]

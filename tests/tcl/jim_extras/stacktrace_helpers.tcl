proc a {} { b }
proc b {} { puts [stacktrace]; puts [stackdump [stacktrace]]; puts [errorInfo hi] }
a
puts [stackdump {p f.tcl 3 {} g.tcl 4}]

puts [format %s hello]
puts [format %10s| hi]
puts [format %-10s| hi]
puts [format %.2s hello]
puts [format %s [list a b]]
puts [format %5s%-5s| ab cd]
puts "<[format %s ""]>"

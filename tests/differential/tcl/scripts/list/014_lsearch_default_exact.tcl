# Jim's lsearch defaults to -exact (Tcl's default is -glob).
puts [lsearch {a b c} b]
puts [lsearch {a b c} x]
puts [lsearch {abc bcd} b*]
puts [lsearch {a* b} a*]
puts [lsearch -exact {a* b} a*]

puts [lsearch -glob {abc bcd} b*]
puts [lsearch -glob -inline {abc bcd} b*]
puts [lsearch -regexp {abc bcd} ^b]
puts [lsearch -regexp -all -inline {a1 b2 c3} {[ab]}]

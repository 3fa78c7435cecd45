# Jim's expression parser takes a top-level comma and yields the first operand.
puts [expr {1,2}]

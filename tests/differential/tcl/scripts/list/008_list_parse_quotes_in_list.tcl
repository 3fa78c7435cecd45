# Jim splits a quoted element followed by more text into two elements.
puts [llength {"a"b c}]
puts [lindex {"a"b c} 0]
puts [lindex {"a b" c} 0]
puts [lindex {a\ b c} 0]

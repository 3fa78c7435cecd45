puts a{b}c
puts [llength {a{b c}d}]

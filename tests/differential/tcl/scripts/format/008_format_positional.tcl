puts [format {%2$s %1$s} a b]
puts [format {%1$s %1$s} x]
puts [format {%2$d-%1$d} 1 2]

puts [list one \
    two \
    three]
set x 1\
2
puts $x

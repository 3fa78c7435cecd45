puts [list a \
   b \
   c]
error "reported line"

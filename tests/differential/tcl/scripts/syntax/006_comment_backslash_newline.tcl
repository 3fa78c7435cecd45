# This comment continues on the next line \
puts "this is still part of the comment"
puts visible

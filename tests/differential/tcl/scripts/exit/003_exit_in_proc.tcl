proc f {} { exit 7 }
f
puts no

puts a
exit 3
puts b

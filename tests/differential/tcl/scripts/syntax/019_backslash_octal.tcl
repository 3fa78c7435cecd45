puts "\101\102"
puts "\60\61"
puts [scan "\7" %c]
puts [scan "\177" %c]
puts "\1011"

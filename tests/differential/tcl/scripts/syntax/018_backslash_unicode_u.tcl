puts "\u0041\u0062"
puts "\u41"
puts "\u4a!"
puts [scan "\u007a" %c]

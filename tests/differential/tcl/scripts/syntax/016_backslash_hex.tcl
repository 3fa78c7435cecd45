puts "\x41\x42\x43"
puts "\x4a\x4B"
puts [scan "\x7" %c]
puts "\x41zz"
puts "\xg"
puts "[scan \x0a %c]"

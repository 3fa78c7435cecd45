puts "\18"
puts [string length "\18"]
puts "a\8b"

puts a]b
puts "x]"

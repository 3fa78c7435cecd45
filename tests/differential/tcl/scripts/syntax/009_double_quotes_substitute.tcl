set name world
puts "hello $name"
puts "sum=[expr {1+2}]"
puts "tab\tend"
puts "braces {$name} inside quotes"

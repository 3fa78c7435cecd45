puts "tab\tand\\backslash"
puts {braces {kept}}
puts [list a "b c"]
puts "\x00 nul"

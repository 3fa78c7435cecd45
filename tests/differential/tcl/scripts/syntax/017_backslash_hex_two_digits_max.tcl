# Jim reads at most two hex digits after \x.
puts "\x414243"
puts [string length "\x414243"]

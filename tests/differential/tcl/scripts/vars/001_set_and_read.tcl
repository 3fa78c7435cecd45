puts [set a 1]
puts [set a]
set b "two words"
puts $b
puts [set b]

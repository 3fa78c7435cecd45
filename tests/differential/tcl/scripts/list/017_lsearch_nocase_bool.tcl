puts [lsearch -nocase {A B} b]
puts [lsearch -bool {a b} b]
puts [lsearch -bool {a b} z]
puts [lsearch -bool -all {a b a} a]

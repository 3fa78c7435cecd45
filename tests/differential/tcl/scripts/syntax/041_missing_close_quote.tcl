puts start
set x "abc
puts never

puts start
set x [string length abc
puts never

puts start
set x {abc}def
puts never

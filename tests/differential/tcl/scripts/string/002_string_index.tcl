puts [string index hello 1]
puts [string index hello 0]
puts [string index hello end]
puts [string index hello end-1]
puts "<[string index hello 10]>"
puts "<[string index hello -1]>"
puts "<[string index hello end+1]>"

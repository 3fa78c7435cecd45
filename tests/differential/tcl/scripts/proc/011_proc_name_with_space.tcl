proc {name with space} {} { return spaced }
puts [{name with space}]
set cmd "name with space"
puts [$cmd]

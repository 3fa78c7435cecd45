puts [file split /a/b/c]
puts [file split a/b]
puts "<[file split {}]>"

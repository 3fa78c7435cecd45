puts before
nosuchcmd 1 2
puts after

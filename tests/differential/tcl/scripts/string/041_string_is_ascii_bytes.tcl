puts [string is ascii "\xe9"]
puts [string is ascii "\x7f"]
puts [string is ascii ""]

# In braces a backslash-newline is kept as it is (not collapsed) for a plain word,
# but collapses to a space when the word is used as a script.
set s {a\
b}
puts [string length $s]
puts [string index $s 1]
puts [string map {"\n" N} $s]

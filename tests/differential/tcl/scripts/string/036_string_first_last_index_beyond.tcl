puts [string first a abc 10]
puts [string last a abc -1]
puts [string first c abc -5]
# `string last c abc 100` is left out: jimsh 0.81 reads past the end of the string
# there and prints a different index from run to run.

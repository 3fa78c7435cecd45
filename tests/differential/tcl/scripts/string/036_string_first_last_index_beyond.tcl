puts [string first a abc 10]
puts [string last a abc -1]
puts [string first c abc -5]
puts [string last c abc 100]

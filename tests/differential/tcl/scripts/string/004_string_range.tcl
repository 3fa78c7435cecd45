puts [string range hello 1 3]
puts [string range hello 2 end]
puts [string range hello -5 1]
puts "<[string range hello 3 1]>"
puts [string range hello end-2 end]
puts [string range hello 0 100]

puts "<[]>"
puts [string length []]

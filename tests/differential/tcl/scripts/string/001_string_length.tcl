puts [string length hello]
puts [string length ""]
puts [string length "a b c"]
puts [string length [string repeat x 100]]

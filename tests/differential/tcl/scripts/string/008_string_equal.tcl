puts [string equal a a]
puts [string equal a b]
puts [string equal -nocase ABC abc]
puts [string equal -length 2 abc abx]
puts [string equal "" ""]
puts [catch {string equal -length x a b} m]
puts $m

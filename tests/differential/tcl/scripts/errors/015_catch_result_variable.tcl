puts [catch {set x hello} r]
puts $r
puts [catch {error oops} r]
puts $r
puts [catch {return value} r]
puts $r

proc ::ns::f {a} { return $a }
proc g {} {}
puts [info body ::ns::f]
puts [info args ::g]
puts [exists -command ::set]
puts [exists -proc ::g]
namespace eval ns { puts [info args f]; puts [exists -proc f]; puts [exists -command f] }
puts [catch {info body ::nope} m]$m

alias say puts -nonewline
say hi
puts ""
puts [info alias say]
puts [exists -alias say]
puts [catch {info alias puts} m]$m
namespace eval ns { proc f {} { return nsf } }
namespace eval imp { namespace import ::ns::* }
puts [info alias imp::f]
puts [exists -alias imp::f]
alias add2 expr 2 +
puts [add2 3]
puts [catch {alias} m]$m

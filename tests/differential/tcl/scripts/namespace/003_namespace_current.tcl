namespace eval ns2 { proc f {} { return [namespace current] } }
puts [ns2::f]
puts [namespace current]
namespace eval x { namespace eval y { proc z {} { namespace current } } }
puts [x::y::z]

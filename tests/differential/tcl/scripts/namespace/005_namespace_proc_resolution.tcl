proc ::ns3::k {} { return k }
puts [ns3::k]
namespace eval x { namespace eval y { proc z {} { return xyz } } }
puts [x::y::z]
puts [namespace eval x { y::z }]

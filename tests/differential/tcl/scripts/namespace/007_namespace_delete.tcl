namespace eval ns6 { proc q {} { return q } }
puts [ns6::q]
namespace delete ns6
puts [catch ns6::q m]
puts $m

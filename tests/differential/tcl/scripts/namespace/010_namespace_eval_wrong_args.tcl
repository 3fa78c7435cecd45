puts [catch {namespace eval} m]
puts $m
namespace

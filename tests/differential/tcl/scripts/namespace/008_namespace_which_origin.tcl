puts [namespace which set]
puts [namespace origin set]
proc ::myns::p {} {}
puts [namespace which myns::p]

namespace eval ns { variable v 1; proc get {} { variable v; return $v } }
puts [ns::get]
puts $ns::v
puts $::ns::v

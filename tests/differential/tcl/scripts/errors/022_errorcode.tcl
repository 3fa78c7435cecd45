catch {error plain}
puts $::errorCode
proc f {} { return -code error -errorcode {MY CODE} msg }
catch f m o
puts [dict get $o -errorcode]
puts $::errorCode

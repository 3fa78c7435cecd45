catch {set x 1} r o
puts [dict get $o -code]
puts [dict get $o -level]
catch {error bad} r o
puts [dict get $o -code]
puts [dict get $o -errorcode]
catch {return -code 9 nine} r o
puts [dict get $o -code]

set g 10
proc show {} { return $::g }
puts [show]
proc setg {} { set ::g 20 }
setg
puts $g
puts $::g

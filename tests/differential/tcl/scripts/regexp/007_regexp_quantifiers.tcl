puts [regexp {a{2,3}} caaat m]
puts $m
puts [regexp {a.*b} axxbyyb m]
puts $m
puts [regexp {a.*?b} axxbyyb m]
puts $m
puts [regexp {x*} abc m]
puts "<$m>"
puts [regexp {\d{3}} 12345 m]
puts $m

proc arr {} { upvar ar a; set a(x) 1; array size a }
puts [arr]
puts $ar(x)
proc el {} { upvar ar(x) e; incr e }
el
puts $ar(x)

proc gl {} { global G; set G 9 }
gl
puts $G
proc gl2 {} { global G H; set H [expr {$G + 1}] }
gl2
puts $H
proc gl3 {} { global ::G; return $G }
puts [gl3]

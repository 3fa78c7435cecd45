puts [catch {try { error e2 } on break {} {puts no}} m]
puts $m
puts [catch {try { puts body } finally { error finerr }} m]
puts $m
puts [catch {try { error a } on error {} { error b }} m]
puts $m

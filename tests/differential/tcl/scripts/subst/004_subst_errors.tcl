puts [catch {subst {$nosuch}} m]
puts $m
puts [catch {subst {[error boom]}} m]
puts $m
puts [catch {subst -foo x} m]
puts $m
subst

catch {apply {{x} {}}} m
puts $m
catch {apply {{x} {} ns extra}} m
puts $m
catch {apply {}} m
puts $m
apply

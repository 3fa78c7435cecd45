# Substituted text is not substituted again.
set a {$b}
set b oops
puts $a
set c {[error no]}
puts $c

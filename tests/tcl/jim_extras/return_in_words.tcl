proc f {} { set y "a[return x]b"; return "after $y" }
puts [f]
proc g {} { set y [return x]; return "after $y" }
puts [g]
proc h {} { set y a[break]b; return "after $y" }
puts [catch h m]$m
puts [subst {a[return -code error zz]b}]
puts "<[subst {a[continue]b[break]c}]>"

set s {line one
line two
line three}
puts [llength [split $s \n]]
set t "a
b"
nosuchcmd_here

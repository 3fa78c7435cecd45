rename puts myputs
myputs renamed
rename myputs puts
puts back
puts [catch {rename set puts} m]
puts $m

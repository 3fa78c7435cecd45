proc cmp {pat str} { puts "cmp $pat $str"; string equal -nocase $pat $str }
puts [switch -command cmp ABC {x {set r 1} abc {set r 2}}]

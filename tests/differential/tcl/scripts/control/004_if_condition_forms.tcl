set x 5
if {$x > 3} {puts gt}
if {"yes"} {puts yes}
if 2 {puts two}
if {[string length abc] == 3} {puts len}
if $x {puts bare}
if {0x0} {puts never} else {puts hexzero}

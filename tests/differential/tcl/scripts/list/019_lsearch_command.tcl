proc eqnc {a b} { string equal -nocase $a $b }
puts [lsearch -command eqnc {A B} b]

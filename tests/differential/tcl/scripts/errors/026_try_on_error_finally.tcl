try { error boom } on error {m o} { puts "err $m" } finally { puts fin }
puts [try { set x 5 }]
puts [try { set x 5 } on ok {r} { puts "ok $r"; set y 7 }]

try { break } on break {} { puts brk }
try { continue } on continue {} { puts cont }
try { return 3 } on return {r} { puts "ret $r" }
try { error x } on 1 {m} { puts "num $m" }
try { break } on {break continue} {} { puts both }

# With two matching handlers Jim runs the last one.
try { error e1 } on error {m} { puts "h1 $m" } on error {m} { puts "h2 $m" }
try { error e1 } on ok {m} { puts "ok" } on error {m} { puts "h2 $m" }

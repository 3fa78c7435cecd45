try -- { puts dd }
try { error e3 } on error m { puts "onevar $m" }
try { error e4 } on error {} { puts "novar" }

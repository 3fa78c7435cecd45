proc f {} { expr {$nosuch + 1} }
f

proc cmp {a b} { error "cannot compare $a" }
lsort -command cmp {x y}

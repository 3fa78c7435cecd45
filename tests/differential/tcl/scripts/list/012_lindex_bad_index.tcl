lindex {a b} x

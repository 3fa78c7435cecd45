try { error x } trap {A} {m o} { puts trapped }

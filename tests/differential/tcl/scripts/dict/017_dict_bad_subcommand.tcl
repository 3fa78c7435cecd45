dict map {k v} {a 1} {}

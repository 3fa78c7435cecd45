proc a {} { b }
proc b {} {
  c 1
}
proc c {x} {
  eval {error "from c"}
}
a

foreach x {1 2} {
  if {$x == 2} {
    error "loop $x"
  }
}

eval {
  set a 1
  error "in eval"
}

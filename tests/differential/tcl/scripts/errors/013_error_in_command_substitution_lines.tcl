proc f {} {
  set x [
    nosuch
  ]
}
f

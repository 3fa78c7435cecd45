apply {{x} {
    error "lambda says $x"
}} 3

set ok 1
set x {abc}def

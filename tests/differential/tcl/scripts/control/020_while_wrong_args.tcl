while {1}

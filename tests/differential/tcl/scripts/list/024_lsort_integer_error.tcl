lsort -integer {3 x 1}

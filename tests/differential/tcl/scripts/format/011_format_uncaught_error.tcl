format "%s and %d" a b

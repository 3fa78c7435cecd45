# This jimsh is built without the math library: these are syntax errors.
foreach f {sqrt(4) pow(2,3) floor(1.5) ceil(1.5) bool(1) min(1,2) max(1,2) isqrt(4) entier(1.5)} {
    puts [catch {expr $f} m]
    puts $m
}

foreach e {{1.0 & 1} {~1.0} {1.5 << 1} {2.0 % 2} {"a" | 1}} {
    catch {expr $e} m
    puts $m
}

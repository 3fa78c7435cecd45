foreach e {0x 0b2 0o8 1e 1.2.3 1_000 .} {
    catch {expr $e} m
    puts $m
}

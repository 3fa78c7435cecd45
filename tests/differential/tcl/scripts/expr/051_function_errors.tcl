foreach e {{abs()} {abs(1, 2)} {int(} {int(1} {fn(1)} {sqrt(2)} {1 + , 2}} {
    catch {expr $e} m
    puts $m
}

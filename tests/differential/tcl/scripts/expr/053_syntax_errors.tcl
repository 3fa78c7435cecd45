foreach e {{1 +} + ( ) {1 ) } {1 2} {1 = 2} a {"abc} {[list} {} max} {
    catch {expr $e} m
    puts $m
}

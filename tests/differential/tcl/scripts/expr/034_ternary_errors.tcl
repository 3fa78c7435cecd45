foreach e {{1 ? 2} {1 : 2}} {
    catch {expr $e} m
    puts $m
}
expr {1 ? 2 :}

foreach e {{"a" + 1} {"" + 1} {"  " + 1} {{abc} + 1}} {
    catch {expr $e} m
    puts $m
}
set s hello
expr {$s * 2}

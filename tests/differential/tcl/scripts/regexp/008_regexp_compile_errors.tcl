foreach re {( {a**} {[a} {(?i)abc}} {
    catch {regexp $re x} m
    puts $m
}

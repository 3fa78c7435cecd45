proc loop {n acc} {
    if {$n == 0} { return $acc }
    tailcall loop [expr {$n - 1}] [expr {$acc + $n}]
}
puts [loop 1000 0]

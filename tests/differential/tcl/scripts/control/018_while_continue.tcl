set i 0
while {$i < 5} {
    incr i
    if {$i % 2} continue
    puts "even $i"
}

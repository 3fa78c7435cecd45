foreach x {1 2 3 4 5} {
    if {$x == 2} continue
    if {$x == 4} break
    puts $x
}
puts "last $x"

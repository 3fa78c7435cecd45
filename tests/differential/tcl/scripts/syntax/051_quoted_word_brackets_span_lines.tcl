puts "value: [expr {
    1 + 2
}] done"

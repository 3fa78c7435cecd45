set v 10
switch -- $v {
    10 { puts "ten [expr {$v * 2}]" }
    default { puts other }
}

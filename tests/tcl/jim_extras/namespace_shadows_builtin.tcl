namespace eval ns {
    proc set {args} { return "my set $args" }
    proc f {} { set x 1 }
    proc g {} { return [set y 2] }
}
puts [ns::f]
puts [ns::g]
set z 3
puts $z
proc h {} { set q 4; return $q }
puts [h]
namespace eval ns { puts [set w 5] }

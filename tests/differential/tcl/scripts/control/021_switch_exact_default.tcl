puts [switch b {a {set r A} b {set r B}}]
puts [switch x {a {set r A} default {set r D}}]
puts "<[switch x {a {set r A}}]>"
puts [switch -exact a* {a* {set r ex}}]

foreach {s f} {"  12abc" "%d%s" "0x1g" %x "-5" %u "99999999999999999999" %d "1.5e3x" %f "inf" %f "abc def" "%s %s" "a]b" {%[]a]} "zzy" {%[^y]} "12 34" "%d %*d" "12" "%3\$d" "1 2" {%1$d %1$d} "1 2" {%d %1$d} "5" "%c" "AB" "%c%c" "12345" "%2d%3d" "x" "%" "x" "%5" "  " "%d" "a b" "a%s" "ab" "a %s" "1 2 3" "%d %d %d %d" "3.5" "%d.%d" "007" %o "0b101" %i "0o17" %i "-0x1f" %i "+7" %d} {
  if {[catch {scan $s $f} m]} { puts "ERR $m" } else { puts "<$m>" }
}
puts [scan "1 2" "%d %d" a b]; puts "$a $b"
puts [scan "1" "%d %d" a b]; puts "$a [info exists b]"
puts [scan "" "%d" z]; puts [info exists z]
puts [scan "abc" "%d" z]; puts [info exists z]

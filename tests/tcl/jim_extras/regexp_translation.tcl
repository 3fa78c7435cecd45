# Jim's regexp syntax, errors and matching rules (this jimsh has its own engine).
proc try {re {s x}} {
    if {[catch {regexp $re $s} m]} { puts "$re: $m" } else { puts "$re: ok $m" }
}
try (
try )
try a**
try {[a}
try {(?i)abc}
try {a{2}{3}}
try {a{100}}
try {a{3,2}}
try {a{x}}
try "a\{1"
try {()*}
try {(a|)+}
try "a\\"
try "x\{"
try *
try +
try {a|*b}
try {^*}
try {\1} 1
try {(\d)\1} 1223
try {\bfoo\b} "a foo b"
puts [regexp {\mfoo\M} "a foo b"]
puts [regexp {\<foo\>} "afoo b"]
puts [regexp -nocase {[[:upper:]]+} abc m]$m
puts [regexp {a\d+\s\w} "xa12 b"]
puts [regexp {[\d]+} "ab12"]
puts [regexp -inline {(\w+)@(\w+)} "me@host"]
puts [regexp -line {^b$} "a\nb\nc"]
puts [regexp {^b$} "a\nb\nc"]
puts [regexp {a.c} "a\nc"]
puts [regexp -line {a.c} "a\nc"]
puts [regexp -all -inline {a*} "baaac"]
puts [regsub -all {a|e} "banane" {<&>}]
puts [regsub -all {(a)(n)} "banana" {\2\1}]
puts [regexp -start end-2 {a} "banana"]
puts [regexp {\Aab\Z} "ab"]
puts [regexp {a{2,}} "caaab" m]$m
puts [regexp {a+?} "aaa" m]$m
puts [regexp {[]a]+} "]a]" m]$m
puts [regexp {[^]a]+} "xy]" m]$m
puts [regexp {\x41\u0042} "AB"]
puts [regexp {(?:ab)+} "ababx" m]$m
puts [regexp -ind {b} abc m]$m

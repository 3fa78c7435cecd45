puts [lsort -nocase {b A c}]
puts [lsort -unique {b a b c a}]
puts [lsort -nocase -unique {a A b}]

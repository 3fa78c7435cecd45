puts [regexp {a(b+)c} abbbc m s]
puts "$m $s"
puts [regexp {(a)|(b)} b m s1 s2]
puts "<$m> <$s1> <$s2>"
puts [regexp {(\d+)\.(\d+)} "v12.34" all maj min]
puts "$all $maj $min"

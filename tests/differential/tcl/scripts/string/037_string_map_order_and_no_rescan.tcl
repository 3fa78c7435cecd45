# Replacements are not rescanned; the first matching key in list order wins.
puts [string map {a b b c} aabb]
puts [string map {aa x a y} aaa]
puts [string map {1 11} 111]

proc upm {} { upvar 1 a1 l1 a2 l2; set l1 A; set l2 B }
upm
puts "$a1 $a2"
proc up0 {} { upvar 0 local alias; set local 1; set alias 2; return $local }
puts [up0]

puts [dict getwithdefault {a 1} b 9]
puts [dict getwithdefault {a 1} a 9]
puts [dict getwithdefault {a {x 1}} a x 9]

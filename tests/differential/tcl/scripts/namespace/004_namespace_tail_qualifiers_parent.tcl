puts [namespace tail ::a::b::c]
puts [namespace qualifiers ::a::b::c]
puts [namespace parent ::a::b]
puts "<[namespace tail ::]>"

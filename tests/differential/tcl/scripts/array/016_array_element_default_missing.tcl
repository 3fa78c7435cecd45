array set a {k v}
puts $a(k)
puts $a(nokey)

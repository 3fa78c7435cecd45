# A comment inside the switch body is just more words.
puts [catch {switch a {
    # comment
    a {puts A}
}} m]
puts $m

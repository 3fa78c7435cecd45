set cmd {list a}
puts [eval $cmd b c]
puts [eval "$cmd {x y}"]
puts [llength [eval $cmd "p q"]]

proc f {a {b 2} args} { return [info level] }
puts [info args f]
puts "<[info body f]>"
proc d {{a 1} {b {x y}}} {}
puts [info args d]
puts "<[info body d]>"

# In Jim, proc returns the name of the new procedure.
puts [proc p2 {} {}]
puts [proc ::p3 {x} {}]

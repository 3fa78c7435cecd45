proc needs2 {a b} { return ok }
puts [needs2 1 2]
needs2 1

# A hash that is not where a command starts is an ordinary character.
puts #notacomment
puts [list a # b]
set h #x
puts $h
puts "x # y"

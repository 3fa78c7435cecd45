proc tmp_cmd {} {}
puts [info commands tmp_cmd]
rename tmp_cmd tmp_cmd2
puts "<[info commands tmp_cmd]>"
puts [info commands tmp_cmd2]
rename tmp_cmd2 ""
puts "<[info commands tmp_cmd2]>"

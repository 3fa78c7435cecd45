puts [catch -exit {exit 4} m]
puts "exit value $m"
puts [catch -break {break} m]
puts [catch -2 {break} m]
puts after

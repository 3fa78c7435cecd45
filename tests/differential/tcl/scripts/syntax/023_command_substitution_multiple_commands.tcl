# The result of a bracketed script is the result of its last command.
puts [set a 1; set b 2; expr {$a + $b}]
puts [set x 5
      incr x]

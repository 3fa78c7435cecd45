# An uncaught break at top level ends the script quietly in jimsh.
puts a
break
puts b

puts [scan "3.5" %f]
puts [scan "1e3" %g]
puts [scan "3.7e" %f]
puts [scan "-2.25" %e]

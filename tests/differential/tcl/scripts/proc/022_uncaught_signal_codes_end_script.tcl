# Codes 5-7 (signal, exit, eval) are not caught by plain catch in Jim.
proc h {} { return -code 7 x }
puts before
catch h
puts never

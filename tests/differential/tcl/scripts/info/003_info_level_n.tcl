proc g {x} { info level 0 }
puts [g 5]
proc h {x} { info level -1 }
proc hh {} { h 7 }
puts [hh]
proc k {} { info level 1 }
proc kk {y} { k }
puts [kk 3]

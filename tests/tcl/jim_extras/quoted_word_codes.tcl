# A quoted word is pieces even when it holds one `[cmd]` (Jim starts it with an empty
# text piece): `return` inside gives the word its value, break/continue are errors.
proc p {} { set a "[return x]"; puts "after $a" }
p
proc q {} { foreach i {1 2} { set a "[break]"; puts "q $i" } }
puts [catch q m]<$m>
proc c {} { foreach i {1 2} { set a "[continue]"; puts "c $i" } }
puts [catch c m]<$m>
proc r {} { foreach i {1 2} { set a [break]; puts "r $i" } }
r
set x 5
puts [string is integer "$x"][expr {"$x" + 1}]

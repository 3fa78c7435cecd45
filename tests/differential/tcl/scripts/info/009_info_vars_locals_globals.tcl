set gx 1
set gy 2
puts [lsort [info globals g?]]
proc loc {a} { set b 1; lsort [info locals] }
puts [loc 1]
proc vs {a} { global gx; set b 1; lsort [info vars] }
puts [vs 1]
proc vp {} { set zz1 1; set zz2 2; lsort [info vars zz*] }
puts [vp]

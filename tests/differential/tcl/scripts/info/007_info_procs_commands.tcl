proc myproc_one {} {}
proc myproc_two {} {}
puts [lsort [info procs myproc_*]]
puts [info procs nosuch]
puts [info commands set]
puts "<[info commands nosuch]>"
puts [lsort [info commands myproc_*]]

proc ::n::p {} {
  error boom
}
catch {namespace eval n {
  p
}} m o
puts $m
puts [dict get $o -errorinfo]
namespace eval n {
  variable x 1
  proc q {} {
    variable x
    incr x
  }
}
puts [n::q]
namespace eval n {
  puts [q]
  p
}

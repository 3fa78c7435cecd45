proc ::p3 {} {}
puts [info commands *p3]
puts [info procs ::*p3]
proc ::a::b {} {return ab}
puts [info commands a::*]
puts [info commands ::a::*]
namespace eval a { puts [info commands b*]; puts [info procs]; puts [catch {b} m]$m }
namespace eval a { variable q 5; puts [info vars]; puts [info locals]; puts [info globals a::*] }
namespace eval zz { set x 1; proc f {} {return [namespace current]}; puts [f] }
puts [namespace eval zz {namespace current}]
puts [namespace canonical]
namespace eval a::c { puts [namespace current]; puts [namespace parent]; puts [namespace canonical x]}
puts [namespace qualifiers a::b]
puts [namespace qualifiers ::a]
puts [namespace qualifiers a]
puts [namespace tail a]
puts [namespace tail ::a::]
puts [namespace parent]
puts [namespace which -variable x]
puts [namespace which nosuch]
namespace eval ns { proc f {} { return nsf } }
puts [namespace code {f 1}]
puts [namespace eval ns {namespace code {f 1}}]
puts [eval [namespace eval ns {namespace code {f}}]]
puts [namespace inscope ns f]
puts [namespace origin ns::f]
catch {namespace origin nosuch} m; puts $m
namespace eval imp { namespace import ::ns::* ; puts [f] }
puts [namespace origin imp::f]
puts [info commands imp::*]
set gg 7
namespace eval ns { namespace upvar ::  gg lg; puts $lg }
namespace eval ns { variable vv 3 }
proc t {} { namespace upvar ns vv loc; return $loc }
puts [t]
puts [namespace current]
catch {variable a b c} m; puts $m
variable top 9
puts $top
namespace delete ns
puts [info exists ns::vv]
puts [catch {ns::f} m]$m
puts [namespace eval foo {info level}]
puts [namespace eval foo a b c]

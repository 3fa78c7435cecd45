proc using_hla {} {
	expr {[string first "hla" [transport select]] != -1}
}
proc transport {args} { return hla_swd }
puts [using_hla]
if {[using_hla]} { puts yes }

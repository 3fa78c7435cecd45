# ocdpy startup procs, part 4: GDB restart, refusing web requests, telnet completion.

proc ocd_gdb_restart {target_id} {
	# GDB asked for a restart of one target; all are reset, as in OpenOCD.
	reset halt
}

# A browser tricked into posting to the telnet or Tcl port sends HTTP lines; stop there.
lappend _telnet_autocomplete_skip prevent_cps
lappend _telnet_autocomplete_skip POST
lappend _telnet_autocomplete_skip Host:
proc prevent_cps {} {
	echo "Possible SECURITY ATTACK detected."
	echo "It looks like somebody is sending POST or Host: commands to OpenOCD."
	echo "This is likely due to an attacker attempting to use Cross Protocol Scripting"
	echo "to compromise your OpenOCD instance. Connection aborted."
	exit
}
proc POST {args} { prevent_cps }
proc Host: {args} { prevent_cps }

# Commands the telnet console offers for completion, without the hidden ones.
lappend _telnet_autocomplete_skip _telnet_autocomplete_helper
proc _telnet_autocomplete_helper pattern {
	set cmds [info commands $pattern]
	foreach skip $::_telnet_autocomplete_skip {
		foreach n [lsearch -all -regexp $cmds "^$skip\$"] {
			set cmds [lreplace $cmds $n $n]
		}
	}
	return [lsort $cmds]
}
#@line 1499

# ocdpy startup procs, part 1: finding and running scripts, post-init and pre-shutdown
# command lists. ocdpy loads cfg/startup/*.tcl as OpenOCD loads its built-in script,
# under the name "embedded:startup.tcl". A "#@line N" comment places the next line at
# line N of that script, so errors raised here are reported where OpenOCD reports them.

# find: the full path of a script, by the search rules; if the name as written is not
# found, retry with the other kind of path separator.
#@line 10
proc find {filename} {
	foreach name [list $filename [string map {\\ /} $filename] [string map {/ \\} $filename]] {
		if {![catch {ocd_find $name} path]} {
			return $path
		}
	}
	return -code error "Can't find $filename"
}
add_usage_text find "<file>"
add_help_text find "print full path to file according to OpenOCD search rules"

# script: find a file and run it at global level (what -f does).
#@line 27
proc script {filename} {
	uplevel #0 [list source [find $filename]]
}
add_help_text script "filename of OpenOCD script (tcl) to run"
add_usage_text script "<file>"

# Scripts append commands to ::post_init_commands / ::pre_shutdown_commands; init and
# shutdown run them in order.
lappend _telnet_autocomplete_skip _run_post_init_commands
proc _run_post_init_commands {} {
	if {[info exists ::post_init_commands]} {
		foreach cmd $::post_init_commands {
			eval $cmd
		}
	}
}

lappend _telnet_autocomplete_skip _run_pre_shutdown_commands
proc _run_pre_shutdown_commands {} {
	if {[info exists ::pre_shutdown_commands]} {
		foreach cmd $::pre_shutdown_commands {
			eval $cmd
		}
	}
}
#@line 56

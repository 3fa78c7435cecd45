# Dumps what a configuration created as "ORACLE <what>: <value>" lines, so that two
# runs of OpenOCD, one with its own script tree and one with ocdpy's cfg/, can be
# compared line by line (tests/cfg/test_cfg_vs_openocd.py).
#
# Sourced after the configuration files and followed by "shutdown". The first part
# only reads state. The second part replaces the memory, adapter and object commands
# with recorders and runs every event handler and helper proc the configuration
# defined, so handlers are compared by what they do (which registers they write,
# with which values, through which target) rather than by their text. Nothing here
# touches hardware: OpenOCD stays in its configuration phase.

set ocdpy_probe_log {}
if {![info exists ocdpy_probe_skip_globals]} {
	set ocdpy_probe_skip_globals {}
}

proc ocdpy_probe_emit {what value} {
	echo "ORACLE $what: $value"
}

# Integers are written in one form (0x.. hex) so that 0x00000307 and 0x307 compare equal.
proc ocdpy_probe_nums {words} {
	set out {}
	foreach w $words {
		if {[string is integer -strict $w]} {
			lappend out [format 0x%x $w]
		} else {
			lappend out $w
		}
	}
	return $out
}

proc ocdpy_probe_try {script} {
	if {[catch {uplevel #0 $script} result]} {
		return "ERROR [string trim $result]"
	}
	return [string trim $result]
}

proc ocdpy_probe_state {} {
	global ocdpy_probe_skip_globals
	foreach name [lsort [info globals]] {
		if {$name in {env tcl_platform auto_path errorInfo errorCode tcl_interactive}} continue
		if {[string match ocdpy_probe_* $name] || $name in $ocdpy_probe_skip_globals} continue
		ocdpy_probe_emit "global $name" [set ::$name]
	}

	set procs {}
	foreach p [lsort [info procs]] {
		if {[string match ocdpy_probe_* $p]} continue
		set arity [llength [info args $p]]
		if {[lindex [info args $p] end] eq "args"} { set arity "$arity+" }
		lappend procs "$p/$arity"
	}
	ocdpy_probe_emit procs $procs
	foreach p {mrw mrh mrb mmw swj_newdap} {
		if {[info procs $p] ne ""} {
			ocdpy_probe_emit "usage $p" [ocdpy_probe_try "capture {usage $p}"]
		}
	}

	foreach q {
		{transport select} {adapter name} {adapter speed} {adapter srst delay}
		{adapter srst pulse_width} {reset_config} {adapter usb location}
		{jtag names} {dap names} {target names} {target current} {flash list}
		{capture {flash banks}} {tpiu names} {cti names} {capture targets}
	} {
		ocdpy_probe_emit $q [ocdpy_probe_try $q]
	}

	foreach t [target names] {
		foreach opt {
			-type -endian -coreid -chain-position -dap -ap-num -dbgbase -rtos
			-defer-examine -gdb-port -gdb-max-connections -work-area-virt
			-work-area-phys -work-area-size -work-area-backup
		} {
			ocdpy_probe_emit "$t cget $opt" [ocdpy_probe_try [list $t cget $opt]]
		}
	}
	foreach tp [tpiu names] {
		foreach opt {
			-dap -ap-num -baseaddr -protocol -port-width -formatter -traceclk
			-pin-freq -output
		} {
			ocdpy_probe_emit "$tp cget $opt" [ocdpy_probe_try [list $tp cget $opt]]
		}
	}
}

# --- recorders ---------------------------------------------------------------------

proc ocdpy_probe_record {entry} {
	lappend ::ocdpy_probe_log $entry
}

# Every read returns this word, so a read-modify-write shows both masks in what it writes.
proc ocdpy_probe_read_result {count} {
	set words {}
	for {set i 0} {$i < $count} {incr i} { lappend words 0x5a5a5a5a }
	return $words
}

proc ocdpy_probe_memory_command {target cmd argv} {
	ocdpy_probe_record "$target $cmd [ocdpy_probe_nums $argv]"
	if {$cmd eq "read_memory"} {
		set count [expr {[llength $argv] > 2 ? [lindex $argv 2] : 1}]
		return [ocdpy_probe_read_result $count]
	}
	return ""
}

proc ocdpy_probe_object {obj sub argv} {
	if {$sub in {cget configure eventlist names}} {
		return [ocdpy_probe_real_$obj $sub {*}$argv]
	}
	return [ocdpy_probe_memory_command $obj $sub $argv]
}

proc ocdpy_probe_install_recorders {} {
	foreach cmd {mww mwh mwb mwd mdw mdh mdb mdd read_memory write_memory} {
		if {[info commands $cmd] ne ""} { rename $cmd ocdpy_probe_real_$cmd }
		proc $cmd {args} "ocdpy_probe_memory_command \[ocdpy_probe_real_target_current\] $cmd \$args"
	}
	foreach cmd {sleep adapter reset halt resume step soft_reset_halt reset_config} {
		if {[info commands $cmd] ne ""} { rename $cmd ocdpy_probe_real_$cmd }
		proc $cmd {args} "ocdpy_probe_record \"$cmd \[ocdpy_probe_nums \$args\]\""
	}
	rename targets ocdpy_probe_real_targets
	proc targets {args} {
		ocdpy_probe_record "targets $args"
		ocdpy_probe_real_targets {*}$args
	}
	proc ocdpy_probe_real_target_current {} { target current }

	# TPIU/SWO objects stay as they are: handlers only query them, and their
	# configure stops working once the command is renamed.
	set objects [concat [target names] [dap names] [cti names]]
	foreach obj [lsort -unique $objects] {
		rename $obj ocdpy_probe_real_$obj
		proc $obj {sub args} "ocdpy_probe_object [list $obj] \$sub \$args"
	}
}

# A handler's result is not shown to anyone, so only a helper call's result is compared.
proc ocdpy_probe_run {what script {keep_result 0}} {
	set ::ocdpy_probe_log {}
	set rc [catch {uplevel #0 $script} result]
	set outcome ok
	if {$keep_result} { set outcome "ok $result" }
	if {$rc} { set outcome "error [string trim $result]" }
	ocdpy_probe_emit $what "[join $::ocdpy_probe_log { ; }] => $outcome"
}

proc ocdpy_probe_behaviour {} {
	set home [target current]
	set target_events {
		gdb-halt halted resumed resume-start resume-end step-start step-end gdb-start
		gdb-end reset-start reset-assert-pre reset-assert reset-assert-post
		reset-deassert-pre reset-deassert-post reset-init reset-end examine-start
		examine-fail examine-end debug-halted debug-resumed gdb-attach gdb-detach
		gdb-flash-write-start gdb-flash-write-end gdb-flash-erase-start
		gdb-flash-erase-end trace-config
	}
	# Read the handler bodies before any recorder replaces the object commands.
	set handlers {}
	foreach t [target names] {
		foreach ev $target_events {
			set body [$t cget -event $ev]
			if {$body ne ""} { lappend handlers $t $ev $body }
		}
	}
	set tpiu_handlers {}
	foreach tp [tpiu names] {
		foreach ev {pre-enable post-enable pre-disable post-disable} {
			set body [$tp cget -event $ev]
			if {$body ne ""} { lappend tpiu_handlers $tp $ev $body }
		}
	}

	ocdpy_probe_install_recorders

	foreach {t ev body} $handlers {
		ocdpy_probe_real_targets $t
		ocdpy_probe_run "event $t $ev" $body
	}
	foreach {tp ev body} $tpiu_handlers {
		foreach mode {{sync 1} {sync 2} {sync 3} {sync 4} {uart 1} {manchester 1}} {
			lassign $mode protocol width
			if {[catch {$tp configure -protocol $protocol -port-width $width} err]} {
				ocdpy_probe_emit "$tp configure $mode" "ERROR [string trim $err]"
				continue
			}
			ocdpy_probe_real_targets $home
			ocdpy_probe_run "event $tp $ev ($protocol $width)" $body
		}
	}

	# Helper procs a user may call directly.
	ocdpy_probe_real_targets $home
	foreach call {
		{mrw 0x20000000} {mrh 0x20000002} {mrb 0x20000003}
		{mmw 0x40021018 0x00000014 0x00000003}
		{stm32h7x_dbgmcu_mmw 0x004 0x00000100 0x00000001}
		{stm32h7x_cti_start} {stm32h7x_cti_stop} {stm32h7x_cti_prepare_restart_all}
		{stm32h7x_get_chipname}
	} {
		if {[info procs [lindex $call 0]] ne ""} {
			ocdpy_probe_real_targets $home
			ocdpy_probe_run "call $call" $call 1
		}
	}
	ocdpy_probe_real_targets $home
}

ocdpy_probe_state
if {[target names] ne ""} {
	ocdpy_probe_behaviour
}

# ocdpy startup procs, part 3: the reset sequence behind `reset`, transport tests,
# the init_targets / init_target_events / init_board hooks, and old memory helpers.

# The name of the target created last.
proc new_target_name { } {
	return [lindex [target names] end]
}

global in_process_reset
set in_process_reset 0

# `reset [run|halt|init]` runs this. A reset started from an event handler of a reset
# would never end, so that is refused.
proc ocd_process_reset {MODE} {
	global in_process_reset
	if {$in_process_reset} {
		set in_process_reset 0
		return -code error "'reset' can not be invoked recursively"
	}
	set in_process_reset 1
	set failed [catch {ocd_process_reset_inner $MODE} result]
	set in_process_reset 0
	if {$failed} {
		return -code error $result
	}
	return $result
}

# True when target `t` can be talked to now (its TAP is enabled, or no JTAG at all).
proc _ocdpy_target_reachable {t} {
	expr {![using_jtag] || [jtag tapisenabled [$t cget -chain-position]]}
}

proc ocd_process_reset_inner {MODE} {
	set targets [target names]
	switch $MODE {
		halt - init { set halt 1 }
		run { set halt 0 }
		default {
			return -code error "Invalid mode: $MODE, must be one of: halt, init, or run"
		}
	}

	# Every target hears every event, even on disabled TAPs: a handler may enable one.
	foreach t $targets {
		$t invoke-event reset-start
	}

	# TRST or TMS/TCK reset of the TAPs; TAP events may enable some.
	init_reset $MODE

	foreach t $targets {
		if {[_ocdpy_target_reachable $t]} {
			$t invoke-event examine-start
			if {[catch "$t arp_examine allow-defer"]} {
				$t invoke-event examine-fail
			} else {
				$t invoke-event examine-end
			}
		}
	}

	# SRST: no target sees it before its pre event or after its post event.
	foreach t $targets {
		$t invoke-event reset-assert-pre
	}
	foreach t $targets {
		if {[_ocdpy_target_reachable $t]} {
			$t arp_reset assert $halt
		}
	}
	foreach t $targets {
		$t invoke-event reset-assert-post
	}
	foreach t $targets {
		$t invoke-event reset-deassert-pre
	}
	foreach t $targets {
		if {[_ocdpy_target_reachable $t]} {
			$t arp_reset deassert $halt
		}
	}
	foreach t $targets {
		$t invoke-event reset-deassert-post
	}

	# Wait for the halt the reset asked for, re-examining targets that lost it.
	if {$halt} {
		foreach t $targets {
			if {![_ocdpy_target_reachable $t]} {
				continue
			}
			if {![$t was_examined]} {
				# A deferred examination cannot halt the target now.
				if {[$t examine_deferred]} {
					continue
				}
				$t invoke-event examine-start
				if {[catch "$t arp_examine allow-defer"]} {
					$t invoke-event examine-fail
					return -code error [format "TARGET: %s - Not examined" $t]
				}
				$t invoke-event examine-end
			}
			# A slow RC network on the reset line may need up to a second.
			catch {$t arp_waitstate halted 1000}
			if {[$t curstate] ne "halted"} {
				return -code error [format "TARGET: %s - Not halted" $t]
			}
		}
	}

	# `reset init`: run each halted target's reset-init handler.
	if {$MODE eq "init"} {
		foreach t $targets {
			if {![_ocdpy_target_reachable $t]} {
				continue
			}
			if {![$t was_examined] && [$t examine_deferred]} {
				continue
			}
			if {[catch "$t arp_waitstate halted 5000"] == 0} {
				$t invoke-event reset-init
			}
		}
	}

	foreach t $targets {
		$t invoke-event reset-end
	}
}

# Which kind of transport the session uses.
#@line 1349
proc using_jtag {} {
	expr {[string first "jtag" [transport select]] != -1}
}
#@line 1354
proc using_swd {} {
	expr {[string first "swd" [transport select]] != -1}
}
#@line 1359
proc using_hla {} {
	expr {[string first "hla" [transport select]] != -1}
}

# Hooks `init` calls: a target file may put its target set-up in init_targets, a board
# file its own in init_board.
proc init_targets {} {
}

proc set_default_target_event {t e s} {
	if {[$t cget -event $e] eq ""} {
		$t configure -event $e $s
	}
}

# What GDB's flash programming and attach do unless a config says otherwise.
proc init_target_events {} {
	foreach t [target names] {
		set_default_target_event $t gdb-flash-erase-start "reset init"
		set_default_target_event $t gdb-flash-write-end "reset halt"
		set_default_target_event $t gdb-attach "halt 1000"
	}
}

proc init_board {} {
}

proc mem2array {arrayname bitwidth address count {phys ""}} {
	echo "DEPRECATED! use 'read_memory' not 'mem2array'"
	upvar $arrayname $arrayname
	set $arrayname ""
	set i 0
	foreach elem [read_memory $address $bitwidth $count {*}$phys] {
		set ${arrayname}($i) $elem
		incr i
	}
}

proc array2mem {arrayname bitwidth address count {phys ""}} {
	echo "DEPRECATED! use 'write_memory' not 'array2mem'"
	upvar $arrayname $arrayname
	set data ""
	for {set i 0} {$i < $count} {incr i} {
		lappend data [expr $${arrayname}($i)]
	}
	write_memory $address $bitwidth $data {*}$phys
}

# smp_on / smp_off became `smp on` / `smp off`.
foreach group {aarch64 cortex_a mips_m4k} {
	foreach state {on off} {
		lappend _telnet_autocomplete_skip "$group smp_$state"
		proc "$group smp_$state" {args} [format {
			echo "DEPRECATED! use '%1$s smp %2$s' not '%1$s smp_%2$s'"
			eval %1$s smp %2$s $args
		} $group $state]
	}
}
unset -nocomplain group state
#@line 1456

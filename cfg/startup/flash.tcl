# ocdpy startup procs, part 5: `program` and the flash drivers known by other names.

lappend _telnet_autocomplete_skip program_error
proc program_error {description exit} {
	if {$exit == 1} {
		echo $description
		shutdown error
	}
	error $description
}

# program FILE [ADDRESS] [preverify] [verify] [reset] [exit]: init if needed, reset
# init, write the image to flash (unless preverify finds it there already), verify,
# reset and run, and shut down.
proc program {filename args} {
	set exit 0
	set needsflash 1
	foreach arg $args {
		switch -- $arg {
			preverify { set preverify 1 }
			verify { set verify 1 }
			reset { set reset 1 }
			exit { set exit 1 }
			default { set address $arg }
		}
	}
	set flash_args [list $filename]
	if {[info exists address]} {
		lappend flash_args $address
	}

	if {[catch {init}] != 0} {
		program_error "** OpenOCD init failed **" 1
	}
	if {[catch {reset init}] != 0} {
		program_error "** Unable to reset target **" $exit
	}

	if {[info exists preverify]} {
		echo "**pre-verifying**"
		if {[catch {verify_image {*}$flash_args}] == 0} {
			echo "**Verified OK - No flashing**"
			set needsflash 0
		}
	}

	if {$needsflash == 1} {
		echo "** Programming Started **"
		if {[catch {flash write_image erase {*}$flash_args}] != 0} {
			program_error "** Programming Failed **" $exit
		}
		echo "** Programming Finished **"
		if {[info exists verify]} {
			echo "** Verify Started **"
			if {[catch {verify_image {*}$flash_args}] != 0} {
				program_error "** Verify Failed **" $exit
			}
			echo "** Verified OK **"
		}
	}

	if {[info exists reset]} {
		if {$exit == 1} {
			# Shutting down anyway: stop polling the target first.
			poll off
		}
		echo "** Resetting Target **"
		reset run
	}

	if {$exit == 1} {
		shutdown
	}
	return
}
add_help_text program "write an image to flash, address is only required for binary images. verify, reset, exit are optional"
add_usage_text program "<filename> \[address\] \[pre-verify\] \[verify\] \[reset\] \[exit\]"

# Flash driver commands under the names of related chip families.
foreach {alias driver} {
	stm32f0x stm32f1x  stm32f3x stm32f1x  gd32e23x stm32f1x
	stm32f4x stm32f2x  stm32f7x stm32f2x
	stm32l0x stm32lx   stm32l1x stm32lx
	stm32g0x stm32l4x  stm32g4x stm32l4x  stm32l5x stm32l4x
	stm32u5x stm32l4x  stm32wbx stm32l4x  stm32wlx stm32l4x
} {
	proc $alias args "eval $driver \$args"
}
unset -nocomplain alias driver

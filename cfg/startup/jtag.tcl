# ocdpy startup procs, part 2: JTAG and adapter helpers a board file may override,
# the JTAG-only commands on other transports, and the old command names OpenOCD still
# accepts (each prints a DEPRECATED! line and runs the new command).

# Run by `init`; a board file may replace it.
proc jtag_init {} {
	if {[catch {jtag arp_init} err] != 0} {
		# The chain did not answer: try again through a reset.
		init_reset startup
	}
}

# Reset the TAPs as close to power-up as the wiring allows; `mode` is halt, init, run
# or startup. Board files may replace it.
proc init_reset {mode} {
	if {[using_jtag]} {
		jtag arp_init-reset
	}
}

# Hooks for sensed power and reset changes; replace them to act differently.
proc power_restore {} {
	echo "Sensed power restore, running reset init and halting GDB."
	reset init
	foreach t [target names] {
		$t invoke-event arp_halt_gdb
	}
}
add_help_text power_restore "Overridable procedure run when power restore is detected. Runs 'reset init' by default."

proc power_dropout {} {
	echo "Sensed power dropout."
}

proc srst_deasserted {} {
	echo "Sensed nSRST deasserted, running reset init and halting GDB."
	reset init
	foreach t [target names] {
		$t invoke-event arp_halt_gdb
	}
}
add_help_text srst_deasserted "Overridable procedure run when srst deassert is detected. Runs 'reset init' by default."

proc srst_asserted {} {
	echo "Sensed nSRST asserted."
}

# Estimate the JTAG clock from the time a long runtest takes.
proc measure_clk {} {
	set start [ms]
	set cycles 10000000
	runtest $cycles
	set khz [expr {double($cycles) / ([ms] - $start)}]
	echo "Running at more than $khz kHz"
}
add_help_text measure_clk "Runs a test to measure the JTAG clk. Useful with RCLK / RTCK."

# On a JTAG transport the transport registers `jtag`, `jtag_rclk`, ... as commands, which
# replace these procs. On any other transport these stand in and say what is wrong.
#@line 149
proc default_to_jtag {f args} {
	set transport [transport select]
	if {[using_jtag]} {
		return [eval $f $args]
	} else {
		error "session transport is \"$transport\" but your config requires JTAG"
	}
}
#@line 158
proc jtag args {
	eval default_to_jtag jtag $args
}
#@line 162
proc jtag_rclk args {
	eval default_to_jtag jtag_rclk $args
}
#@line 166
proc jtag_ntrst_delay args {
	eval default_to_jtag jtag_ntrst_delay $args
}
#@line 170
proc jtag_ntrst_assert_width args {
	eval default_to_jtag jtag_ntrst_assert_width $args
}

# Old gpio-number commands of bit-banging drivers, now `adapter gpio NAME ...`.
lappend _telnet_autocomplete_skip adapter_gpio_helper_with_caller
proc adapter_gpio_helper_with_caller {caller sig_name args} {
	echo "DEPRECATED! use 'adapter gpio $sig_name' not '$caller'"
	switch [llength $args] {
		0 {}
		1 {eval adapter gpio $sig_name $args}
		2 {eval adapter gpio $sig_name [lindex $args 1] -chip [lindex $args 0]}
		default {return -code 1 -level 1 "$caller: syntax error"}
	}
	eval adapter gpio $sig_name
}

lappend _telnet_autocomplete_skip adapter_gpio_helper
proc adapter_gpio_helper {sig_name args} {
	set caller [lindex [info level -1] 0]
	eval adapter_gpio_helper_with_caller {"$caller"} $sig_name $args
}

lappend _telnet_autocomplete_skip adapter_gpio_jtag_nums_with_caller
proc adapter_gpio_jtag_nums_with_caller {caller tck_num tms_num tdi_num tdo_num} {
	echo "DEPRECATED! use 'adapter gpio tck; adapter gpio tms; adapter gpio tdi; adapter gpio tdo' not '$caller'"
	foreach {sig num} [list tck $tck_num tms $tms_num tdi $tdi_num tdo $tdo_num] {
		eval adapter gpio $sig $num
	}
}

lappend _telnet_autocomplete_skip adapter_gpio_jtag_nums
proc adapter_gpio_jtag_nums {args} {
	set caller [lindex [info level -1] 0]
	eval adapter_gpio_jtag_nums_with_caller {"$caller"} $args
}

lappend _telnet_autocomplete_skip adapter_gpio_swd_nums_with_caller
proc adapter_gpio_swd_nums_with_caller {caller swclk_num swdio_num} {
	echo "DEPRECATED! use 'adapter gpio swclk; adapter gpio swdio' not '$caller'"
	eval adapter gpio swclk $swclk_num
	eval adapter gpio swdio $swdio_num
}

lappend _telnet_autocomplete_skip adapter_gpio_swd_nums
proc adapter_gpio_swd_nums {args} {
	set caller [lindex [info level -1] 0]
	eval adapter_gpio_swd_nums_with_caller {"$caller"} $args
}

lappend _telnet_autocomplete_skip jtag_reset
proc jtag_reset args {
	echo "DEPRECATED! use 'adapter \[de\]assert' not 'jtag_reset'"
	switch -- $args {
		"0 0" {adapter deassert trst deassert srst}
		"0 1" {adapter deassert trst assert srst}
		"1 0" {adapter assert trst deassert srst}
		"1 1" {adapter assert trst assert srst}
		default {return -code 1 -level 1 "jtag_reset: syntax error"}
	}
}

# Renamed commands: old name, then the command that replaces it.
foreach {old new} {
	adapter_khz {adapter speed}
	adapter_name {adapter name}
	adapter_nsrst_delay {adapter srst delay}
	adapter_nsrst_assert_width {adapter srst pulse_width}
	interface {adapter driver}
	interface_transports {adapter transports}
	interface_list {adapter list}
	ftdi_location {adapter usb location}
	xds110_serial {adapter serial}
	xds110_supply_voltage {xds110 supply}
	{hla newtap} swj_newdap
	ftdi_device_desc {ftdi device_desc}
	ftdi_serial {adapter serial}
	ftdi_channel {ftdi channel}
	ftdi_layout_init {ftdi layout_init}
	ftdi_layout_signal {ftdi layout_signal}
	ftdi_set_signal {ftdi set_signal}
	ftdi_get_signal {ftdi get_signal}
	ftdi_vid_pid {ftdi vid_pid}
	ftdi_tdo_sample_edge {ftdi tdo_sample_edge}
	remote_bitbang_host {remote_bitbang host}
	remote_bitbang_port {remote_bitbang port}
	openjtag_device_desc {openjtag device_desc}
	openjtag_variant {openjtag variant}
	parport_port {parport port}
	parport_cable {parport cable}
	parport_write_on_exit {parport write_on_exit}
	parport_toggling_time {parport toggling_time}
	jtag_dpi_set_port {jtag_dpi set_port}
	jtag_dpi_set_address {jtag_dpi set_address}
	jtag_vpi_set_port {jtag_vpi set_port}
	jtag_vpi_set_address {jtag_vpi set_address}
	jtag_vpi_stop_sim_on_exit {jtag_vpi stop_sim_on_exit}
	presto_serial {presto serial}
	xlnx_pcie_xvc_config {xlnx_pcie_xvc config}
	ulink_download_firmware {ulink download_firmware}
	vsllink_usb_vid {vsllink usb_vid}
	vsllink_usb_pid {vsllink usb_pid}
	vsllink_usb_serial {adapter serial}
	vsllink_usb_bulkin {vsllink usb_bulkin}
	vsllink_usb_bulkout {vsllink usb_bulkout}
	vsllink_usb_interface {vsllink usb_interface}
	bcm2835gpio_speed_coeffs {bcm2835gpio speed_coeffs}
	bcm2835gpio_peripheral_base {bcm2835gpio peripheral_base}
	sysfsgpio_jtag_nums {sysfsgpio jtag_nums}
	sysfsgpio_tck_num {sysfsgpio tck_num}
	sysfsgpio_tms_num {sysfsgpio tms_num}
	sysfsgpio_tdo_num {sysfsgpio tdo_num}
	sysfsgpio_tdi_num {sysfsgpio tdi_num}
	sysfsgpio_srst_num {sysfsgpio srst_num}
	sysfsgpio_trst_num {sysfsgpio trst_num}
	sysfsgpio_swd_nums {sysfsgpio swd_nums}
	sysfsgpio_swclk_num {sysfsgpio swclk_num}
	sysfsgpio_swdio_num {sysfsgpio swdio_num}
	buspirate_adc {buspirate adc}
	buspirate_vreg {buspirate vreg}
	buspirate_pullup {buspirate pullup}
	buspirate_led {buspirate led}
	buspirate_speed {buspirate speed}
	buspirate_mode {buspirate mode}
	buspirate_port {buspirate port}
	usb_blaster_device_desc {usb_blaster device_desc}
	usb_blaster_vid_pid {usb_blaster vid_pid}
	usb_blaster_lowlevel_driver {usb_blaster lowlevel_driver}
	usb_blaster_pin {usb_blaster pin}
	usb_blaster_firmware {usb_blaster firmware}
	ft232r_serial_desc {adapter serial_desc}
	ft232r_vid_pid {ft232r vid_pid}
	ft232r_jtag_nums {ft232r jtag_nums}
	ft232r_tck_num {ft232r tck_num}
	ft232r_tms_num {ft232r tms_num}
	ft232r_tdo_num {ft232r tdo_num}
	ft232r_tdi_num {ft232r tdi_num}
	ft232r_srst_num {ft232r srst_num}
	ft232r_trst_num {ft232r trst_num}
	ft232r_restore_serial {ft232r restore_serial}
	{aice serial} {adapter serial}
	cmsis_dap_serial {adapter serial}
	{ft232r serial_desc} {adapter serial}
	{ftdi serial} {adapter serial}
	hla_serial {adapter serial}
	{jlink serial} {adapter serial}
	kitprog_serial {adapter serial}
	{presto serial} {adapter serial}
	{st-link serial} {adapter serial}
	{vsllink usb_serial} {adapter serial}
	{xds110 serial} {adapter serial}
} {
	lappend _telnet_autocomplete_skip $old
	proc $old args [format {
		echo "DEPRECATED! use '%s' not '%s'"
		eval %s $args
	} $new $old $new]
}

# `hla newtap` and friends: `hla` itself only forwards to the two-word procs.
proc hla {cmd args} {
	tailcall "hla $cmd" {*}$args
}

# Raspberry Pi, linuxgpiod, sysfsgpio and am335xgpio gpio numbers, now `adapter gpio`.
lappend _telnet_autocomplete_skip bcm2835_gpio_helper
proc bcm2835_gpio_helper {sig_name args} {
	set caller [lindex [info level -1] 0]
	echo "DEPRECATED! use 'adapter gpio $sig_name' not '$caller'"
	switch [llength $args] {
		0 {}
		1 {eval adapter gpio $sig_name $args -chip 0}
		2 {eval adapter gpio $sig_name [lindex $args 1] -chip [lindex $args 0]}
		default {return -code 1 -level 1 "$caller: syntax error"}
	}
	eval adapter gpio $sig_name
}

proc _ocdpy_gpio_nums {caller chip signals nums} {
	set uses {}
	foreach s $signals {
		lappend uses "adapter gpio $s"
	}
	echo "DEPRECATED! use '[join $uses {; }]' not '$caller'"
	foreach s $signals n $nums {
		if {$chip eq ""} {
			eval adapter gpio $s $n
		} else {
			eval adapter gpio $s $n -chip $chip
		}
	}
}

lappend _telnet_autocomplete_skip bcm2835gpio_jtag_nums
proc bcm2835gpio_jtag_nums {tck_num tms_num tdi_num tdo_num} {
	_ocdpy_gpio_nums bcm2835gpio_jtag_nums 0 {tck tms tdi tdo} [list $tck_num $tms_num $tdi_num $tdo_num]
}
lappend _telnet_autocomplete_skip bcm2835gpio_swd_nums
proc bcm2835gpio_swd_nums {swclk_num swdio_num} {
	_ocdpy_gpio_nums bcm2835gpio_swd_nums 0 {swclk swdio} [list $swclk_num $swdio_num]
}
foreach sig {tck tms tdo tdi swclk swdio swdio_dir srst trst} {
	lappend _telnet_autocomplete_skip bcm2835gpio_${sig}_num "bcm2835gpio ${sig}_num"
	proc bcm2835gpio_${sig}_num args "eval bcm2835_gpio_helper $sig \$args"
	proc "bcm2835gpio ${sig}_num" args "eval bcm2835_gpio_helper $sig \$args"
}
lappend _telnet_autocomplete_skip "bcm2835gpio jtag_nums" "bcm2835gpio swd_nums"
proc "bcm2835gpio jtag_nums" {tck_num tms_num tdi_num tdo_num} {
	_ocdpy_gpio_nums "bcm2835gpio jtag_nums" 0 {tck tms tdi tdo} [list $tck_num $tms_num $tdi_num $tdo_num]
}
proc "bcm2835gpio swd_nums" {swclk_num swdio_num} {
	_ocdpy_gpio_nums "bcm2835gpio swd_nums" 0 {swclk swdio} [list $swclk_num $swdio_num]
}

foreach sig {jtag tck tms tdo tdi srst trst swd swclk swdio led} {
	set old [expr {$sig in {jtag swd} ? "linuxgpiod_${sig}_nums" : "linuxgpiod_${sig}_num"}]
	lappend _telnet_autocomplete_skip $old
	if {$sig eq "jtag"} {
		proc $old args {eval adapter_gpio_jtag_nums $args}
	} elseif {$sig eq "swd"} {
		proc $old args {eval adapter_gpio_swd_nums $args}
	} else {
		proc $old args "eval adapter_gpio_helper $sig \$args"
	}
}
lappend _telnet_autocomplete_skip linuxgpiod_gpiochip
proc linuxgpiod_gpiochip args {
	echo "DEPRECATED! use 'adapter <signal_name> -chip' not 'linuxgpiod_gpiochip'"
	switch [llength $args] {
		0 {}
		1 {
			foreach sig {tck tms tdi tdo trst srst swclk swdio swdio_dir led} {
				eval adapter gpio $sig -chip $args
			}
		}
		default {return -code 1 -level 1 "linuxgpiod_gpiochip: syntax error"}
	}
	eval adapter gpio
}

# `linuxgpiod` lost its commands: its sub-commands live on as two-word procs.
lappend _telnet_autocomplete_skip linuxgpiod
proc linuxgpiod {subcommand args} {
	eval {"linuxgpiod $subcommand"} $args
}
foreach sig {tck tms tdi tdo trst srst swclk swdio swdio_dir led} {
	lappend _telnet_autocomplete_skip "linuxgpiod ${sig}_num"
	proc "linuxgpiod ${sig}_num" args "eval adapter_gpio_helper $sig \$args"
}
lappend _telnet_autocomplete_skip "linuxgpiod gpiochip"
proc "linuxgpiod gpiochip" {num} {
	echo "DEPRECATED! use 'adapter <signal_name> -chip' not 'linuxgpiod gpiochip'"
	foreach sig {tck tms tdi tdo trst srst swclk swdio swdio_dir led} {
		eval adapter gpio $sig -chip $num
	}
	eval adapter gpio
}
lappend _telnet_autocomplete_skip "linuxgpiod jtag_nums" "linuxgpiod swd_nums"
proc "linuxgpiod jtag_nums" {tck_num tms_num tdi_num tdo_num} {
	_ocdpy_gpio_nums "linuxgpiod jtag_nums" "" {tck tms tdi tdo} [list $tck_num $tms_num $tdi_num $tdo_num]
}
proc "linuxgpiod swd_nums" {swclk swdio} {
	_ocdpy_gpio_nums "linuxgpiod swd_nums" "" {swclk swdio} [list $swclk $swdio]
}

foreach sig {tck tms tdi tdo swclk swdio swdio_dir srst trst led} {
	lappend _telnet_autocomplete_skip "am335xgpio ${sig}_num"
	proc "am335xgpio ${sig}_num" {num} [format {
		echo "DEPRECATED! use 'adapter gpio %1$s' not 'am335xgpio %1$s_num'"
		eval adapter gpio %1$s $num
	} $sig]
}
lappend _telnet_autocomplete_skip "am335xgpio jtag_nums" "am335xgpio swd_nums"
proc "am335xgpio jtag_nums" {tck_num tms_num tdi_num tdo_num} {
	_ocdpy_gpio_nums "am335xgpio jtag_nums" "" {tck tms tdi tdo} [list $tck_num $tms_num $tdi_num $tdo_num]
}
proc "am335xgpio swd_nums" {swclk swdio} {
	_ocdpy_gpio_nums "am335xgpio swd_nums" "" {swclk swdio} [list $swclk $swdio]
}
lappend _telnet_autocomplete_skip "am335xgpio swdio_dir_output_state" "am335xgpio led_on_state"
proc "am335xgpio swdio_dir_output_state" {state} {
	echo "DEPRECATED! use 'adapter gpio swdio_dir -active-high' or '-active-low' not 'am335xgpio swdio_dir_output_state'"
	switch $state {
		"high" {eval adapter gpio swdio_dir -active-high}
		"low" {eval adapter gpio swdio_dir -active-low}
	}
}
proc "am335xgpio led_on_state" {state} {
	echo "DEPRECATED! use 'adapter gpio led -active-high' or '-active-low' not 'am335xgpio led_on_state'"
	switch $state {
		"high" {eval adapter gpio led -active-high}
		"low" {eval adapter gpio led -active-low}
	}
}
unset -nocomplain old new sig
#@line 1173

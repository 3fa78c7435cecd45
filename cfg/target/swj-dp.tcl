# Chips whose debug port is an SWJ-DP answer on either JTAG or SWD pins. Target
# files for them source this file and declare their debug port with
# swj_newdap, which creates a JTAG TAP or an SWD DAP entry, whichever the
# session's transport needs. With an hla adapter (transports hla_swd/hla_jtag)
# the same two commands reach the adapter's own TAP handling.
#
#   swj_newdap CHIP TAG ?-irlen N -ircapture V -irmask M -expected-id ID ...?
#
# The options are those of "jtag newtap"; the SWD side ignores the IR ones.
#
# Part of ocdpy's own script tree (see docs/cfg.md).

# Choosing the transport here (if the interface file left it open) lets the
# target file ask using_jtag / using_swd; with no adapter configured there is
# nothing to choose from, and nothing after this point can work.
if {[catch {transport select}]} {
	echo "Error: unable to select a session transport. Can't continue."
	shutdown
}

proc swj_newdap {chip tag args} {
	if {[using_jtag]} {
		jtag newtap $chip $tag {*}$args
	} elseif {[using_swd]} {
		swd newdap $chip $tag {*}$args
	} else {
		echo "Error: transport '[transport select]' not supported by swj_newdap"
		shutdown
	}
}

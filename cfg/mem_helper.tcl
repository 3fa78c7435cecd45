# Word/halfword/byte reads that return the value, and a read-modify-write of a
# 32-bit register. Target files use mmw in their event handlers to set or
# clear bits in chip registers (DBGMCU, RCC, FLASH_ACR) without disturbing the
# other bits. They act on the current target; like the memory commands they
# are built on, they need a target that has been examined (after init).
#
# Part of ocdpy's own script tree (see docs/cfg.md).

proc mrw {address} {
	read_memory $address 32 1
}
add_usage_text mrw "address"
add_help_text mrw "Read one 32-bit word of target memory and return its value."

proc mrh {address} {
	read_memory $address 16 1
}
add_usage_text mrh "address"
add_help_text mrh "Read one 16-bit halfword of target memory and return its value."

proc mrb {address} {
	read_memory $address 8 1
}
add_usage_text mrb "address"
add_help_text mrb "Read one byte of target memory and return its value."

# The clear mask is applied before the set mask, so a bit in both ends up set.
proc mmw {address setbits clearbits} {
	set word [mrw $address]
	mww $address [expr {($word & ~$clearbits) | $setbits}]
}
add_usage_text mmw "address setbits clearbits"
add_help_text mmw "Read a 32-bit word, clear the bits of clearbits, set the bits of setbits, write it back."

# Named constants and bit-field helpers for board and target scripts:
#   BIT0 .. BIT31        1 << n
#   __1K .. __1024K      n KiB in bytes (powers of two)
#   __1M .. __1024M      n MiB in bytes (powers of two)
#   create_mask MSB LSB                  ones from bit LSB to bit MSB
#   extract_bitfield VALUE MSB LSB       VALUE with only those bits kept
#   normalize_bitfield VALUE MSB LSB     those bits, shifted down to bit 0
#   show_normalize_bitfield VALUE MSB LSB   the same, printing the steps
#
# Part of ocdpy's own script tree (see docs/cfg.md).

# The constants are globals even when this file is sourced from inside a proc.
for {set n 0} {$n < 32} {incr n} {
	set ::BIT$n [expr {1 << $n}]
}
for {set n 1} {$n < 2048} {set n [expr {$n * 2}]} {
	set ::__${n}K [expr {$n << 10}]
	set ::__${n}M [expr {$n << 20}]
}
unset n

proc create_mask {MSB LSB} {
	expr {((1 << ($MSB - $LSB + 1)) - 1) << $LSB}
}

proc extract_bitfield {VALUE MSB LSB} {
	expr {$VALUE & [create_mask $MSB $LSB]}
}

proc normalize_bitfield {VALUE MSB LSB} {
	expr {[extract_bitfield $VALUE $MSB $LSB] >> $LSB}
}

proc show_normalize_bitfield {VALUE MSB LSB} {
	set mask [create_mask $MSB $LSB]
	set kept [expr {$VALUE & $mask}]
	set field [expr {$kept >> $LSB}]
	echo [format "((0x%08x & 0x%08x) -> 0x%08x) >> %2d => (0x%x) %5d " $VALUE $mask $kept $LSB $field $field]
	return $field
}

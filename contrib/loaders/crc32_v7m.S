/* ocdpy checksum routine: OpenOCD's flash/image CRC-32 (polynomial 0x04C11DB7, MSB
 * first, initial value 0xFFFFFFFF, no final XOR) of a list of memory ranges, with a
 * 256-entry table in RAM. Used to skip flash sectors that already hold the image, to
 * find blank sectors and to verify without reading the flash back over SWD.
 *
 * Thumb-2 (Cortex-M3/M4/M7); crc32_v6m.S is the Cortex-M0 version.
 *
 * In:   r0 = block: +0 number of ranges n, +4 address of 1 KiB of RAM for the table
 *       (the routine fills it: table[i] = the CRC register after feeding byte i into
 *       zero; building it costs fewer cycles than sending 1 KiB over SWD), +8 top of
 *       the routine's own stack, +12 and +16 scratch (frame.inc), +20 n ranges of two
 *       words (address, length), then n result words and a status word (0): the host
 *       reads back only those.
 * Out:  result[i] = the CRC of range i, then status = 1; BKPT.
 * Keeps every register but r0 and pc, and the APSR flags (frame.inc; 44 bytes of
 * its own stack).
 *
 * Bytes before the first word boundary and after the last one go one at a time; the
 * words between are loaded whole and their four bytes fed in memory order.
 */
	.syntax unified
	.cpu	cortex-m3
	.thumb
	.include "frame.inc"
	.equ	B_STACK, 8
	.equ	B_SCRATCH, 12
	.equ	B_CALLER_SP, 16
	.equ	B_RANGES, 20

	/* Feed the byte in \b into the CRC in r4 (r2 = the table); \b is used. */
	.macro	crc_byte b
	eor	\b, \b, r4, lsr #24
	ldr	\b, [r2, \b, lsl #2]
	eor	r4, \b, r4, lsl #8
	.endm

	.text
	.global	_start
	.thumb_func
_start:
	enter_routine B_STACK, B_SCRATCH, B_CALLER_SP, r1-r9, r12
	ldr	r2, [r0, #4]		/* the table */
	ldr	r3, =0x04C11DB7
	movs	r4, #0
table_entry:
	lsl	r5, r4, #24
	movs	r6, #8
table_bit:
	lsls	r5, r5, #1		/* C = the bit shifted out */
	it	cs
	eorcs	r5, r5, r3
	subs	r6, r6, #1
	bne	table_bit
	str	r5, [r2, r4, lsl #2]
	adds	r4, r4, #1
	cmp	r4, #256
	bne	table_entry

	ldr	r1, [r0, #0]		/* ranges left */
	add	r7, r0, #B_RANGES	/* next range */
	add	r8, r7, r1, lsl #3	/* next result */
next_range:
	cmp	r1, #0
	beq	finished
	ldr	r3, [r7], #4		/* address */
	ldr	r6, [r7], #4		/* length */
	add	r6, r6, r3		/* end */
	bic	r9, r6, #3		/* last word boundary */
	mov	r4, #0xFFFFFFFF
head:
	cmp	r3, r6
	beq	range_done
	tst	r3, #3
	beq	word_loop
	ldrb	r5, [r3], #1
	crc_byte r5
	b	head
word_loop:
	cmp	r3, r9
	bhs	tail
	ldr	r5, [r3], #4
	uxtb	r12, r5
	crc_byte r12
	ubfx	r12, r5, #8, #8
	crc_byte r12
	ubfx	r12, r5, #16, #8
	crc_byte r12
	lsr	r12, r5, #24
	crc_byte r12
	b	word_loop
tail:
	cmp	r3, r6
	beq	range_done
	ldrb	r5, [r3], #1
	crc_byte r5
	b	tail
range_done:
	str	r4, [r8], #4
	subs	r1, r1, #1
	b	next_range
finished:				/* r8 = the status word after the results */
	movs	r1, #1
	str	r1, [r8]
	leave_routine B_STACK, B_SCRATCH, B_CALLER_SP, r1-r9, r12

	.pool

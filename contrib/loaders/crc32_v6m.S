/* ocdpy checksum routine, ARMv6-M version of crc32_v7m.S (same CRC, same block
 * layout), for Cortex-M0/M0+ cores: one byte at a time.
 *
 * In:   r0 = block: +0 number of ranges n, +4 address of 1 KiB of RAM for the table
 *       (filled here, as in crc32_v7m.S), +8 top of the routine's own stack, +12 and
 *       +16 scratch (frame.inc), +20 n ranges of two words (address, length), then n
 *       result words and a status word (0).
 * Out:  result[i] = the CRC of range i, then status = 1; BKPT.
 * Keeps every register but pc, and the APSR flags (frame.inc; 40 bytes of its own
 * stack with the result pointer).
 */
	.syntax unified
	.cpu	cortex-m0
	.thumb
	.include "frame.inc"
	.equ	B_STACK, 8
	.equ	B_SCRATCH, 12
	.equ	B_CALLER_SP, 16
	.equ	B_RANGES, 20

	.text
	.global	_start
	.thumb_func
_start:
	enter_routine B_STACK, B_SCRATCH, B_CALLER_SP, r0-r7
	ldr	r2, [r0, #4]
	ldr	r3, =0x04C11DB7
	movs	r4, #0
table_entry:
	lsls	r5, r4, #24
	movs	r6, #8
table_bit:
	lsls	r5, r5, #1		/* C = the bit shifted out */
	bcc	table_nox
	eors	r5, r3
table_nox:
	subs	r6, #1
	bne	table_bit
	lsls	r7, r4, #2
	str	r5, [r2, r7]
	adds	r4, #1
	lsrs	r7, r4, #8		/* 256 entries done? */
	beq	table_entry
	ldr	r1, [r0, #0]		/* ranges left */
	movs	r7, r0
	adds	r7, #B_RANGES		/* next range */
	lsls	r3, r1, #3
	adds	r3, r3, r7
	push	{r3}			/* next result, kept on the stack: no register left */
next_range:
	cmp	r1, #0
	beq	finished
	ldr	r3, [r7]		/* address */
	ldr	r6, [r7, #4]		/* length */
	adds	r7, #8
	adds	r6, r6, r3		/* end */
	movs	r4, #0
	mvns	r4, r4
byte_loop:
	cmp	r3, r6
	beq	range_done
	ldrb	r5, [r3]
	adds	r3, #1
	lsrs	r0, r4, #24
	eors	r5, r0
	lsls	r5, r5, #2
	ldr	r5, [r2, r5]
	lsls	r4, r4, #8
	eors	r4, r5
	b	byte_loop
range_done:
	pop	{r3}
	stmia	r3!, {r4}
	push	{r3}
	subs	r1, #1
	b	next_range
finished:				/* the status word after the results */
	pop	{r3}
	movs	r1, #1
	str	r1, [r3]
	leave_routine B_STACK, B_SCRATCH, B_CALLER_SP, r0-r7

	.pool

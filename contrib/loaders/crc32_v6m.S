/* ocdpy checksum routine, ARMv6-M version of crc32_v7m.S (same CRC, same block
 * layout), for Cortex-M0/M0+ cores: one byte at a time.
 *
 * In:   r0 = block: +0 number of ranges n, +4 table address (256 words), +8 n ranges
 *       of three words (address, length, crc), then a status word (0).
 * Out:  each range's crc word, then status = 1; BKPT. r0 is used as scratch.
 * Keeps r1-r7 (saved on the stack sp points to: 28 bytes).
 */
	.syntax unified
	.cpu	cortex-m0
	.thumb

	.text
	.global	_start
	.thumb_func
_start:
	push	{r1-r7}
	ldr	r1, [r0, #0]
	ldr	r2, [r0, #4]
	movs	r7, r0
	adds	r7, #8
next_range:
	cmp	r1, #0
	beq	finished
	ldr	r3, [r7]		/* address */
	ldr	r6, [r7, #4]		/* length */
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
	str	r4, [r7, #8]
	adds	r7, #12
	subs	r1, #1
	b	next_range
finished:				/* r7 = the status word after the ranges */
	movs	r1, #1
	str	r1, [r7]
	pop	{r1-r7}
	bkpt	#0

/* ocdpy checksum routine: OpenOCD's flash/image CRC-32 (polynomial 0x04C11DB7, MSB
 * first, initial value 0xFFFFFFFF, no final XOR) of a list of memory ranges, with a
 * 256-entry table in RAM. Used to skip flash sectors that already hold the image, to
 * find blank sectors and to verify without reading the flash back over SWD.
 *
 * Thumb-2 (Cortex-M3/M4/M7); crc32_v6m.S is the Cortex-M0 version.
 *
 * In:   r0 = block: +0 number of ranges n, +4 table address (256 words, table[i] =
 *       the CRC register after feeding byte i into zero), +8 n ranges of three words
 *       (address, length, crc), then a status word (0).
 * Out:  each range's crc word, then status = 1; BKPT.
 * Keeps r1-r12 (r1-r8 and r12 saved on the stack sp points to: 36 bytes).
 *
 * Bytes before the first word boundary and after the last one go one at a time; the
 * words between are loaded whole and their four bytes fed in memory order.
 */
	.syntax unified
	.cpu	cortex-m3
	.thumb

	.text
	.global	_start
	.thumb_func
_start:
	push	{r1-r8, r12}
	ldr	r1, [r0, #0]
	ldr	r2, [r0, #4]
	add	r7, r0, #8
next_range:
	cmp	r1, #0
	beq	finished
	ldr	r3, [r7]		/* address */
	ldr	r6, [r7, #4]		/* length */
	add	r6, r6, r3		/* end */
	mov	r4, #0xFFFFFFFF
head:
	cmp	r3, r6
	beq	range_done
	tst	r3, #3
	beq	words
	ldrb	r5, [r3], #1
	eor	r5, r5, r4, lsr #24
	ldr	r5, [r2, r5, lsl #2]
	eor	r4, r5, r4, lsl #8
	b	head
words:
	bic	r8, r6, #3		/* last word boundary */
word_loop:
	cmp	r3, r8
	bhs	tail
	ldr	r5, [r3], #4
	uxtb	r12, r5
	eor	r12, r12, r4, lsr #24
	ldr	r12, [r2, r12, lsl #2]
	eor	r4, r12, r4, lsl #8
	ubfx	r12, r5, #8, #8
	eor	r12, r12, r4, lsr #24
	ldr	r12, [r2, r12, lsl #2]
	eor	r4, r12, r4, lsl #8
	ubfx	r12, r5, #16, #8
	eor	r12, r12, r4, lsr #24
	ldr	r12, [r2, r12, lsl #2]
	eor	r4, r12, r4, lsl #8
	lsr	r12, r5, #24
	eor	r12, r12, r4, lsr #24
	ldr	r12, [r2, r12, lsl #2]
	eor	r4, r12, r4, lsl #8
	b	word_loop
tail:
	cmp	r3, r6
	beq	range_done
	ldrb	r5, [r3], #1
	eor	r5, r5, r4, lsr #24
	ldr	r5, [r2, r5, lsl #2]
	eor	r4, r5, r4, lsl #8
	b	tail
range_done:
	str	r4, [r7, #8]
	add	r7, r7, #12
	subs	r1, r1, #1
	b	next_range
finished:				/* r7 = the status word after the ranges */
	movs	r1, #1
	str	r1, [r7]
	pop	{r1-r8, r12}
	bkpt	#0

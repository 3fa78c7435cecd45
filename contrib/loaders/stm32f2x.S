/* ocdpy flash loader for the STM32F2/F4/F7 flash interface: the checks (checks.inc),
 * then for each step erase a sector (or the whole flash) and program the data that
 * follows from a ring buffer with the parallelism the host chose (x32 words at
 * 2.7-3.6 V, x16 half-words, or x8 bytes).
 *
 * Thumb-2 (Cortex-M3/M4/M7).
 *
 * In:   r0 = parameter block (params.inc). P_REGS = 0x40023C00. P_CR = PSIZE bits
 *       (PSIZE << 8: 0x000 x8, 0x100 x16, 0x200 x32). Step erase entries are
 *       FLASH_CR erase bits without PSIZE and STRT: SER | SNB << 3 for a sector,
 *       MER (| MER1) for a mass erase, 0 for none. Step byte counts are multiples
 *       of the unit.
 * Out:  P_STATUS, and on failure P_ADDR / P_SR; the flash is locked again; BKPT.
 * Keeps every register but r0 and pc, and the APSR flags (frame.inc; 48 bytes of
 * its own stack).
 */
	.syntax unified
	.cpu	cortex-m3
	.thumb
	.include "params.inc"
	.include "frame.inc"
	.include "checks.inc"

	.equ	KEYR,	0x04
	.equ	SR,	0x0C
	.equ	CR,	0x10

	.equ	SR_BUSY,	0x10000
	.equ	SR_ERRORS,	0xF2	/* PGSERR | PGPERR | PGAERR | WRPERR | OPERR */
	.equ	SR_CLEAR,	0xF3
	.equ	CR_PG,		0x01
	.equ	CR_STRT,	0x10000
	.equ	CR_LOCK,	0x80000000

	/* One programming loop per unit size. Data is taken from the ring in batches of
	 * up to 1 KiB (rp is written back after each); inside a batch the next unit is
	 * fetched before waiting for the previous one, so the flash idles only between
	 * BSY clearing and the store. */
	.macro	prog_loop load, store, unit
loop\@:
	ldr	r2, [r0, #P_WP]
	subs	r3, r2, r1
	beq	loop\@
	bhi	have\@
	ldr	r2, [r0, #P_END]
	sub	r3, r2, r1
have\@:
	cmp	r3, r5
	it	hi
	movhi	r3, r5
	cmp	r3, #1024
	it	hi
	movhi	r3, #1024
	sub	r5, r5, r3
next\@:
	\load	r6, [r1], #\unit
	wait_idle r2
	tst	r2, #SR_ERRORS
	bne	prog_failed
	\store	r6, [r4], #\unit
	subs	r3, r3, #\unit
	bne	next\@
	ldr	r2, [r0, #P_END]
	cmp	r1, r2
	it	hs
	ldrhs	r1, [r0, #P_BUF]
	str	r1, [r0, #P_RP]
	cmp	r5, #0
	bne	loop\@
	b	prog_last
	.endm

	.text
	.global	_start
	.thumb_func
_start:
	enter_routine P_STACK, P_SCRATCH, P_CALLER_SP, r1-r11
	access_guard fail
	checks_then_plan
	ldr	r7, [r0, #P_REGS]
	ldr	r8, [r0, #P_CR]
	unlock_flash #CR_LOCK
	movs	r1, #SR_CLEAR
	str	r1, [r7, #SR]
	ldr	r1, [r0, #P_RP]
	ldr	r9, [r0, #P_STEPS]
	ldr	r10, [r0, #P_NSTEPS]

next_step:
	cmp	r10, #0
	beq	done
	sub	r10, r10, #1
	ldr	r6, [r9], #4		/* erase entry */
	ldr	r4, [r9], #4		/* where to program */
	ldr	r5, [r9], #4		/* bytes to program */
	step_condition r6, r5, next_step, r2, r3, r11
	cbz	r6, program
	orr	r2, r6, r8
	str	r2, [r7, #CR]
	orr	r2, r2, #CR_STRT
	str	r2, [r7, #CR]
	wait_idle r2
	tst	r2, #SR_ERRORS
	bne	erase_failed

program:
	cmp	r5, #0
	beq	next_step
	orr	r2, r8, #CR_PG
	str	r2, [r7, #CR]
	lsr	r2, r8, #8
	cmp	r2, #2
	beq	prog32
	cmp	r2, #1
	beq	prog16
prog8:
	prog_loop ldrb, strb, 1
prog16:
	prog_loop ldrh, strh, 2
prog32:
	prog_loop ldr, str, 4

prog_last:
	wait_idle r2
	tst	r2, #SR_ERRORS
	bne	prog_failed
	str	r8, [r7, #CR]
	b	next_step

done:
	movs	r2, #ST_DONE
	b	finish

erase_failed:				/* r2 = SR, r6 = erase entry */
	mov	r1, r2
	movs	r2, #ST_ERASE
	b	fail
prog_failed:				/* r2 = SR; the unit before r4 failed */
	lsr	r6, r8, #8
	movs	r1, #1
	lsl	r1, r1, r6
	sub	r6, r4, r1
	mov	r1, r2
	movs	r2, #ST_PROGRAM
fail:					/* r1 = SR, r2 = status, r6 = address */
	str	r6, [r0, #P_ADDR]
	str	r1, [r0, #P_SR]
finish:
	report	r2, r1
lock:
	mov	r1, #CR_LOCK
	str	r1, [r7, #CR]
	leave_routine P_STACK, P_SCRATCH, P_CALLER_SP, r1-r11

	.pool

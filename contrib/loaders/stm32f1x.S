/* ocdpy flash loader for the STM32F0/F1/F3 flash controller (FPEC): the checks
 * (checks.inc), then for each step erase a page (or the whole bank) and program the
 * half-words that follow from a ring buffer.
 *
 * ARMv6-M Thumb only, so it also runs on the Cortex-M0 of the F0 parts.
 *
 * In:   r0 = parameter block (params.inc). P_REGS = FLASH_ACR address of the bank
 *       (0x40022000; 0x40022040 for bank 2 of XL-density F1). Step erase entries
 *       are page addresses, 0 for none, 0xFFFFFFFF for a mass erase; step byte
 *       counts are even.
 * Out:  P_STATUS, and on failure P_ADDR / P_SR; the flash is locked again; BKPT.
 * Keeps every register but r0 and pc, and the APSR flags (frame.inc; 36 bytes of
 * its own stack).
 *
 * Speed: data is taken from the ring in batches of up to 256 bytes (rp is written
 * back after each), and inside a batch the next half-word is fetched before waiting
 * for the previous one, so the flash idles only for the few cycles between BSY
 * clearing and the next store, and the loop has little else to do.
 */
	.syntax unified
	.cpu	cortex-m0
	.thumb
	.include "params.inc"
	.include "frame.inc"
	.include "checks.inc"

	.equ	KEYR,	0x04
	.equ	SR,	0x0C
	.equ	CR,	0x10
	.equ	AR,	0x14

	.equ	SR_BSY,		0x01
	.equ	SR_ERRORS,	0x14	/* PGERR | WRPRTERR */
	.equ	SR_CLEAR,	0x34	/* EOP | WRPRTERR | PGERR */
	.equ	CR_PG,		0x01
	.equ	CR_PER,		0x02
	.equ	CR_MER,		0x04
	.equ	CR_STRT,	0x40
	.equ	CR_LOCK,	0x80

	.text
	.global	_start
	.thumb_func
_start:
	enter_own_stack P_STACK, P_SCRATCH, P_CALLER_SP
	push	{r1-r7}
	mov	r1, r8
	mrs	r2, APSR
	push	{r1, r2}
	access_guard fail
	checks_then_plan
	ldr	r7, [r0, #P_REGS]
	movs	r2, #CR_LOCK
	unlock_flash r2
	movs	r1, #SR_CLEAR
	str	r1, [r7, #SR]
	ldr	r1, [r0, #P_RP]

next_step:
	ldr	r5, [r0, #P_NSTEPS]
	cmp	r5, #0
	beq	done
	subs	r5, #1
	str	r5, [r0, #P_NSTEPS]
	ldr	r3, [r0, #P_STEPS]
	ldr	r6, [r3]		/* erase entry */
	ldr	r4, [r3, #4]		/* where to program */
	ldr	r5, [r3, #8]		/* bytes to program */
	adds	r3, #12
	str	r3, [r0, #P_STEPS]
	mov	r8, r1			/* rp, while r1 serves the condition */
	step_condition r6, r5, step_skipped, r1, r2, r3
	mov	r1, r8
	cmp	r6, #0
	beq	program
	adds	r2, r6, #1		/* 0xFFFFFFFF: mass erase */
	beq	erase_mass
	movs	r2, #CR_PER
	str	r2, [r7, #CR]
	str	r6, [r7, #AR]
	movs	r2, #(CR_PER | CR_STRT)
	str	r2, [r7, #CR]
	b	erase_wait
erase_mass:
	movs	r2, #CR_MER
	str	r2, [r7, #CR]
	movs	r2, #(CR_MER | CR_STRT)
	str	r2, [r7, #CR]
erase_wait:
	ldr	r2, [r7, #SR]
	movs	r3, #SR_BSY
	tst	r2, r3
	bne	erase_wait
	movs	r3, #SR_ERRORS
	tst	r2, r3
	bne	erase_failed

program:
	cmp	r5, #0
	beq	next_step
	movs	r2, #CR_PG
	str	r2, [r7, #CR]
prog_wait_data:				/* r3 = bytes ready in one piece (wp ahead of rp, or up to the ring end) */
	ldr	r2, [r0, #P_WP]
	subs	r3, r2, r1
	beq	prog_wait_data
	bhi	prog_have
	ldr	r2, [r0, #P_END]
	subs	r3, r2, r1
prog_have:				/* a batch: at most what the step needs and 256 bytes, so rp moves often */
	cmp	r3, r5
	bls	prog_fits
	mov	r3, r5
prog_fits:
	movs	r2, #1
	lsls	r2, r2, #8
	cmp	r3, r2
	bls	prog_batch
	mov	r3, r2
prog_batch:
	subs	r5, r5, r3
prog_next:				/* fetch, wait for the previous half-word, check, store */
	ldrh	r6, [r1]
prog_busy:
	ldr	r2, [r7, #SR]
	lsrs	r2, r2, #1		/* C = BSY */
	bcs	prog_busy
	lsls	r2, r2, #28		/* PGERR / WRPRTERR (bits 2 and 4) left? */
	bne	prog_failed
	strh	r6, [r4]
	adds	r4, #2
	adds	r1, #2
	subs	r3, #2
	bne	prog_next
	ldr	r2, [r0, #P_END]
	cmp	r1, r2
	blo	prog_nowrap
	ldr	r1, [r0, #P_BUF]
prog_nowrap:
	str	r1, [r0, #P_RP]
	cmp	r5, #0
	bne	prog_wait_data
prog_last:
	ldr	r2, [r7, #SR]
	movs	r3, #SR_BSY
	tst	r2, r3
	bne	prog_last
	movs	r3, #SR_ERRORS
	tst	r2, r3
	bne	prog_failed_sr
	movs	r2, #0
	str	r2, [r7, #CR]
	b	next_step

step_skipped:
	mov	r1, r8
	b	next_step

done:
	movs	r2, #ST_DONE
	b	finish

erase_failed:				/* r2 = SR, r6 = erase entry */
	mov	r1, r2
	movs	r2, #ST_ERASE
	b	fail
prog_failed:				/* the half-word before r4 failed; SR read again */
	ldr	r2, [r7, #SR]
prog_failed_sr:				/* r2 = SR */
	subs	r6, r4, #2
	mov	r1, r2
	movs	r2, #ST_PROGRAM
fail:					/* r1 = SR, r2 = status, r6 = address */
	str	r6, [r0, #P_ADDR]
	str	r1, [r0, #P_SR]
finish:
	report	r2, r1
lock:
	movs	r1, #CR_LOCK
	str	r1, [r7, #CR]
	pop	{r1, r2}
	mov	r8, r1
	msr	APSR_nzcvq, r2
	pop	{r1-r7}
	leave_own_stack P_STACK, P_SCRATCH, P_CALLER_SP
	bkpt	#0

	.pool

/* ocdpy flash loader for the STM32H7 embedded flash (one bank per run): the checks
 * (checks.inc), then for each step erase a sector (or the whole bank) and program
 * the 256-bit flash words that follow from a ring buffer.
 *
 * Thumb-2 (Cortex-M7).
 *
 * In:   r0 = parameter block (params.inc). P_REGS = the bank's register base
 *       (0x52002000 bank 1, 0x52002100 bank 2). P_CR = PSIZE bits (PSIZE << 4).
 *       Step erase entries are FLASH_CR erase bits without PSIZE and START:
 *       SER | SNB << 8 for a sector, BER for the whole bank, 0 for none. Step byte
 *       counts are multiples of 32; ring start and end are 32-byte aligned.
 * Out:  P_STATUS, and on failure P_ADDR / P_SR; the bank is locked again; BKPT.
 * Keeps every register but r0 and pc, and the APSR flags (frame.inc; 56 bytes of
 * its own stack).
 *
 * Eight word stores fill the bank's write buffer, which starts programming; the next
 * flash word is fetched from the ring while the previous one programs.
 */
	.syntax unified
	.cpu	cortex-m7
	.thumb
	.include "params.inc"
	.include "frame.inc"
	.include "checks.inc"

	.equ	KEYR,	0x04
	.equ	CR,	0x0C
	.equ	SR,	0x10
	.equ	CCR,	0x14

	.equ	SR_BUSY,	0x05		/* BSY | QW */
	/* Error flags: SR bits 17-26 (WRPERR PGSERR STRBERR, reserved bit 20, INCERR OPERR
	 * RDPERR RDSERR SNECCERR DBECCERR). Not a Thumb-2 immediate, so they are tested by
	 * shifting them to the bottom; the failure path reads SR again (the flags stick). */
	.equ	CCR_CLEAR,	0x0FEF0000
	.equ	CR_LOCK,	0x01
	.equ	CR_PG,		0x02
	.equ	CR_START,	0x80

	.macro	branch_if_error reg, label
	lsls	\reg, \reg, #5
	lsrs	\reg, \reg, #22
	bne	\label
	.endm

	.text
	.global	_start
	.thumb_func
_start:
	enter_routine P_STACK, P_SCRATCH, P_CALLER_SP, r1-r12, lr
	access_guard fail
	checks_then_plan
	ldr	r7, [r0, #P_REGS]
	unlock_flash #CR_LOCK
	ldr	r1, =CCR_CLEAR
	str	r1, [r7, #CCR]
	ldr	r1, [r0, #P_RP]

next_step:				/* step pointer and count live in the block */
	ldr	r12, [r0, #P_NSTEPS]
	cmp	r12, #0
	beq	done
	sub	r12, r12, #1
	str	r12, [r0, #P_NSTEPS]
	ldr	r3, [r0, #P_STEPS]
	ldr	r6, [r3], #4		/* erase entry */
	ldr	r11, [r3], #4		/* where to program */
	ldr	r12, [r3], #4		/* bytes to program */
	str	r3, [r0, #P_STEPS]
	step_condition r6, r12, next_step, r2, r3, r4
	ldr	r8, [r0, #P_CR]
	cbz	r6, program
	orr	r2, r6, r8
	str	r2, [r7, #CR]
	orr	r2, r2, #CR_START
	str	r2, [r7, #CR]
	wait_idle r2
	branch_if_error r2, erase_failed

program:
	cmp	r12, #0
	beq	next_step
	orr	r2, r8, #CR_PG
	str	r2, [r7, #CR]
prog_wait_data:
	ldr	lr, [r0, #P_WP]
	cmp	lr, r1
	beq	prog_wait_data
	ldm	r1!, {r2, r3, r4, r5, r6, r8, r9, r10}
	wait_idle lr
	branch_if_error lr, prog_failed
	stm	r11!, {r2, r3, r4, r5, r6, r8, r9, r10}
	dsb
	ldr	lr, [r0, #P_END]
	cmp	r1, lr
	it	hs
	ldrhs	r1, [r0, #P_BUF]
	str	r1, [r0, #P_RP]
	subs	r12, r12, #32
	bne	prog_wait_data
prog_last:
	wait_idle lr
	branch_if_error lr, prog_failed
	ldr	r2, [r0, #P_CR]
	str	r2, [r7, #CR]
	b	next_step

done:
	movs	r2, #ST_DONE
	b	finish

erase_failed:				/* r6 = erase entry */
	ldr	r1, [r7, #SR]
	movs	r2, #ST_ERASE
	b	fail
prog_failed:				/* the flash word before r11 failed */
	sub	r6, r11, #32
	ldr	r1, [r7, #SR]
	movs	r2, #ST_PROGRAM
fail:					/* r1 = SR, r2 = status, r6 = address */
	str	r6, [r0, #P_ADDR]
	str	r1, [r0, #P_SR]
finish:
	report	r2, r1
lock:
	movs	r1, #CR_LOCK
	str	r1, [r7, #CR]
	leave_routine P_STACK, P_SCRATCH, P_CALLER_SP, r1-r12, lr

	.pool

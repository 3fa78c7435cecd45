"""Halting debug of the virtual core: halt, step, registers, breakpoints, resets, faults."""

from __future__ import annotations

import struct

import pytest

from ocdpy.sim.chips import create_chip

from .helpers import (
    AIRCR,
    C_DEBUGEN,
    C_HALT,
    C_MASKINTS,
    C_STEP,
    CFSR,
    DBGKEY,
    DEMCR,
    DFSR,
    DHCSR,
    DWT_COMP0,
    DWT_FUNCTION0,
    DWT_MASK0,
    FP_COMP0,
    FP_CTRL,
    HFSR,
    S_HALT,
    S_LOCKUP,
    S_RESET_ST,
    S_RETIRE_ST,
    SEL_MSP,
    SEL_PC,
    SEL_PSP,
    SEL_SPECIAL,
    SEL_XPSR,
    VC_CORERESET,
    Probe,
    assemble,
    blinky,
    chip_with,
    symbols,
    thumb,
    vector_image,
)

DFSR_HALTED, DFSR_BKPT, DFSR_DWTTRAP, DFSR_VCATCH = 1, 2, 4, 8
BKPT, B_SELF, NOP = 0xBE00, 0xE7FE, 0xBF00


def halted_blinky(name: str = "stm32f103c8") -> tuple[object, Probe]:
    chip = chip_with(name, blinky(name))
    probe = Probe(chip)
    probe.reset_halt()
    return chip, probe


def test_reset_halt_stops_at_the_reset_vector() -> None:
    image = blinky("stm32f103c8")
    sp, entry = struct.unpack_from("<II", image)
    chip, probe = halted_blinky()
    assert probe.halted()
    assert probe.reg(SEL_PC) == entry & ~1
    assert probe.reg(SEL_MSP) == sp
    assert probe.reg(SEL_XPSR) == 0x01000000
    assert probe.read32(DFSR) & DFSR_VCATCH


def test_reset_sticky_bits_clear_on_read() -> None:
    chip, probe = halted_blinky()
    probe.write32(AIRCR, 0x05FA0004)
    first = probe.read32(DHCSR)
    assert first & S_RESET_ST
    assert not probe.read32(DHCSR) & S_RESET_ST


def test_halt_and_resume_a_running_program() -> None:
    chip, probe = halted_blinky()
    probe.write32(DEMCR, 0)
    probe.resume()
    chip.advance(0.005)
    assert not probe.halted()
    assert probe.read32(DHCSR) & S_RETIRE_ST
    toggles = chip.gpio_toggles("C", 13)
    assert toggles >= 4
    probe.halt()
    assert probe.halted()
    assert probe.read32(DFSR) & DFSR_HALTED
    pc = probe.reg(SEL_PC)
    assert 0x08000040 <= pc < 0x08000110
    chip.advance(0.005)
    assert chip.gpio_toggles("C", 13) == toggles  # a halted core does nothing
    assert probe.reg(SEL_PC) == pc


def test_dhcsr_writes_need_the_key() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"))
    probe = Probe(chip)
    probe.write32(DHCSR, C_DEBUGEN | C_HALT)  # no DBGKEY: ignored
    assert not probe.halted()
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT)
    assert probe.halted()


def test_core_registers_through_dcrsr_and_dcrdr() -> None:
    chip, probe = halted_blinky()
    for sel in range(13):
        probe.set_reg(sel, 0x1000 + sel)
    assert [probe.reg(sel) for sel in range(13)] == [0x1000 + sel for sel in range(13)]
    probe.set_reg(SEL_PSP, 0x20001000)
    assert probe.reg(SEL_PSP) == 0x20001000
    # CONTROL, FAULTMASK, BASEPRI and PRIMASK share selector 0x14, one byte each
    probe.set_reg(SEL_SPECIAL, 0x00014001)
    assert probe.reg(SEL_SPECIAL) == 0x00014001
    probe.set_reg(SEL_PC, 0x080000B4)
    assert probe.reg(SEL_PC) == 0x080000B4


def test_fpu_registers_on_cortex_m4() -> None:
    chip, probe = halted_blinky("stm32f407vg")
    probe.set_reg(64 + 5, 0x3F800000)  # s5 = 1.0f
    probe.set_reg(64 + 31, 0xDEADBEEF)
    probe.set_reg(33, 0x03C00000)  # FPSCR rounding/flush bits
    assert probe.reg(64 + 5) == 0x3F800000
    assert probe.reg(64 + 31) == 0xDEADBEEF
    assert probe.reg(33) == 0x03C00000


def test_single_step_executes_one_instruction() -> None:
    chip, probe = halted_blinky()
    pc = probe.reg(SEL_PC)
    before = chip.stats.get("core_instructions")
    probe.step()
    assert probe.halted()
    assert chip.stats.get("core_instructions") == before + 1
    assert probe.reg(SEL_PC) == pc + 2  # push {r3, lr} is a 16-bit instruction
    assert probe.read32(DFSR) & DFSR_HALTED


@pytest.mark.parametrize("name,elf", [("stm32f103c8", "blinky-f103.elf"), ("stm32h753xi", "blinky-h753.elf")])
def test_fpb_breakpoint_halts_even_on_code_that_already_ran(name: str, elf: str) -> None:
    target = symbols(elf)["led_toggle"] & ~1  # ELF function symbols carry the Thumb bit
    chip, probe = halted_blinky(name)
    probe.write32(DEMCR, 0)
    probe.resume()
    chip.advance(0.01)  # led_toggle has run many times: its code is translated and cached
    probe.halt()
    probe.write32(DFSR, 0x1F)
    if name == "stm32f103c8":  # FPB v1: word address plus which halfword
        comp = (target & 0x1FFFFFFC) | (1 << 30 if target & 2 == 0 else 2 << 30) | 1
    else:  # FPB v2: instruction address with the enable bit
        comp = target | 1
    probe.write32(FP_COMP0, comp)
    probe.write32(FP_CTRL, 3)
    probe.resume()
    chip.advance(0.01)
    assert probe.halted()
    assert probe.reg(SEL_PC) == target
    assert probe.read32(DFSR) & DFSR_BKPT
    # resuming on an armed breakpoint halts again at once; disarm it and it runs on
    probe.write32(FP_COMP0, 0)
    probe.resume()
    chip.advance(0.005)
    assert not probe.halted()


def test_dhcsr_reads_c_halt_in_debug_state_however_the_core_halted() -> None:
    # ARMv7-M: entering Debug state sets C_HALT, so a debugger that writes back what it
    # read (OpenOCD's cached DHCSR) keeps the core halted.
    chip, probe = halted_blinky()
    assert probe.read32(DHCSR) & (C_HALT | S_HALT) == C_HALT | S_HALT  # vector catch
    probe.step()
    assert probe.read32(DHCSR) & (C_HALT | S_HALT) == C_HALT | S_HALT  # after a step
    probe.write32(DEMCR, 0)
    probe.resume()
    chip.advance(0.001)
    assert probe.read32(DHCSR) & (C_HALT | S_HALT) == 0  # running


def test_openocd_step_over_a_temporary_breakpoint_stops_at_the_next_instruction() -> None:
    """cortex_m_step (ISR masking "auto"): FPB comparator at PC, run, wait for S_HALT,
    then C_MASKINTS and C_STEP written on top of the DHCSR value read while waiting."""
    chip, probe = halted_blinky()
    pc = probe.reg(SEL_PC)
    probe.write32(FP_CTRL, 3)
    probe.write32(FP_COMP0, (pc & 0x1FFFFFFC) | (1 << 30 if pc & 2 == 0 else 2 << 30) | 1)
    probe.resume()
    for _ in range(10):
        chip.advance(0.001)
        cached = probe.read32(DHCSR)
        if cached & S_HALT:
            break
    assert cached & S_HALT, "the armed comparator at PC did not halt the core"
    probe.write32(FP_COMP0, 0)
    cached = (cached & 0xFFFF) | DBGKEY | C_MASKINTS
    probe.write32(DHCSR, cached)  # mask interrupts: C_HALT comes from the read value
    assert probe.halted()
    probe.write32(DHCSR, (cached & ~C_HALT) | C_STEP)
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT)
    assert probe.halted()
    assert probe.reg(SEL_PC) == pc + 2  # one instruction (push {r3, lr}), not main's loop


def test_bkpt_instruction_halts_the_core_in_place() -> None:
    code = thumb(0x2005, BKPT, B_SELF)  # movs r0, #5; bkpt #0; b .
    chip = chip_with("stm32f103c8", vector_image(0x20005000, code))
    probe = Probe(chip)
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN)  # debug enabled, running
    chip.advance(0.001)
    assert probe.halted()
    assert probe.reg(SEL_PC) == 0x08000042
    assert probe.reg(0) == 5
    assert probe.read32(DFSR) & DFSR_BKPT


def test_bkpt_without_debugger_is_a_hardfault() -> None:
    code = thumb(BKPT, B_SELF)
    handler = 0x08000080
    image = bytearray(vector_image(0x20005000, code, handler=handler))
    image += b"\xff" * (handler - 0x08000000 - len(image))
    image += thumb(0x2107, B_SELF)  # movs r1, #7; b .
    chip = chip_with("stm32f103c8", bytes(image))
    chip.advance(0.001)
    probe = Probe(chip)
    probe.halt()
    assert probe.reg(SEL_PC) == handler + 2
    assert probe.reg(1) == 7
    assert probe.reg(SEL_XPSR) & 0x1FF == 3  # HardFault active


def test_blank_chip_reset_halt_and_lockup() -> None:
    chip = create_chip("stm32f103c8")
    probe = Probe(chip)
    probe.reset_halt()
    assert probe.reg(SEL_PC) == 0xFFFFFFFE
    assert probe.reg(SEL_MSP) == 0xFFFFFFFC
    assert probe.reg(SEL_XPSR) == 0x01000000
    probe.write32(DEMCR, 0)
    probe.resume()
    chip.advance(0.001)
    status = probe.read32(DHCSR)
    assert status & S_LOCKUP and not status & S_HALT
    probe.halt()  # a halt request ends the lockup
    status = probe.read32(DHCSR)
    assert status & S_HALT and not status & S_LOCKUP
    assert probe.reg(SEL_PC) == 0xFFFFFFFE
    assert probe.reg(SEL_XPSR) & 0x1FF == 3


def test_data_bus_fault_enters_hardfault_with_status() -> None:
    # ldr r1, [pc, #4]; ldr r0, [r1]; b . ; nop; .word 0x30000000 (unmapped on an F103)
    code = thumb(0x4901, 0x6808, B_SELF, NOP) + struct.pack("<I", 0x30000000)
    handler = 0x08000080
    image = bytearray(vector_image(0x20005000, code, handler=handler))
    image += b"\xff" * (handler - 0x08000000 - len(image))
    image += thumb(B_SELF)
    chip = chip_with("stm32f103c8", bytes(image))
    chip.advance(0.001)
    probe = Probe(chip)
    probe.halt()
    assert probe.reg(SEL_PC) == handler
    assert probe.read32(HFSR) & (1 << 30)  # FORCED
    assert probe.read32(CFSR) & (1 << 9)  # PRECISERR
    assert probe.read32(0xE000ED38) == 0x30000000  # BFAR
    sp = probe.reg(SEL_MSP)
    stacked_pc = probe.read32(sp + 24)
    assert stacked_pc == 0x08000042  # the faulting load


def test_dwt_watchpoint_on_a_write() -> None:
    # ldr r1, [pc, #4]; movs r0, #9; str r0, [r1]; b . ; nop; .word 0x20001000
    code = thumb(0x4901, 0x2009, 0x6008, B_SELF) + struct.pack("<I", 0x20001000)
    chip = chip_with("stm32f103c8", vector_image(0x20005000, code))
    probe = Probe(chip)
    probe.reset_halt()
    probe.write32(DEMCR, 1 << 24)  # TRCENA
    probe.write32(DWT_COMP0, 0x20001000)
    probe.write32(DWT_MASK0, 2)
    probe.write32(DWT_FUNCTION0, 6)  # watch writes
    probe.resume()
    chip.advance(0.001)
    assert probe.halted()
    assert probe.read32(DFSR) & DFSR_DWTTRAP
    assert probe.read32(DWT_FUNCTION0) & (1 << 24)  # MATCHED
    assert probe.read32(0x20001000) == 9
    assert probe.reg(SEL_PC) == 0x08000046  # halted after the store, on `b .`
    probe.write32(DWT_FUNCTION0, 0)
    probe.resume()
    chip.advance(0.001)
    assert not probe.halted()


def test_firmware_sysresetreq_resets_the_chip() -> None:
    # ldr r1, [pc, #4]; ldr r0, [pc, #8]; str r0, [r1]; b . ; .word AIRCR, 0x05FA0004
    code = thumb(0x4901, 0x4802, 0x6008, B_SELF) + struct.pack("<II", AIRCR, 0x05FA0004)
    chip = chip_with("stm32f103c8", vector_image(0x20005000, code))
    probe = Probe(chip)
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN)
    probe.write32(DEMCR, VC_CORERESET)
    chip.advance(0.001)  # runs into the reset request, then the vector catch
    status = probe.read32(DHCSR)
    assert status & S_HALT and status & S_RESET_ST
    assert probe.reg(SEL_PC) == 0x08000040


def test_connect_under_reset_with_vector_catch() -> None:
    chip = chip_with("stm32f407vg", blinky("stm32f407vg"))
    chip.advance(0.01)
    chip.set_nrst(True)
    probe = Probe(chip)
    assert probe.read32(DHCSR) & S_RESET_ST  # held in reset
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN)
    probe.write32(DEMCR, VC_CORERESET)
    chip.set_nrst(False)
    assert probe.halted()
    assert probe.reg(SEL_PC) == struct.unpack_from("<I", blinky("stm32f407vg"), 4)[0] & ~1


def test_svc_enters_its_handler_and_returns() -> None:
    code = assemble("""
        movs r0, #1
        movs r4, #0
        svc #3
        adds r0, #10
        b .
    svc_handler:
        adds r4, #2
        movs r0, #99               @ r0-r3 come back from the stacked frame
        mrs r5, ipsr
        bx lr
    """)
    image = bytearray(vector_image(0x20005000, code))
    handler = 0x08000040 + code.index(bytes.fromhex("0234"))  # adds r4, #2
    image[11 * 4 : 11 * 4 + 4] = struct.pack("<I", handler | 1)
    chip = chip_with("stm32f103c8", bytes(image))
    chip.advance(0.001)
    probe = Probe(chip)
    probe.halt()
    assert probe.reg(4) == 2  # the handler ran
    assert probe.reg(5) == 11  # IPSR inside the handler: SVCall
    assert probe.reg(0) == 11  # unstacked r0, then the code after SVC
    assert probe.reg(SEL_XPSR) & 0x1FF == 0  # back in thread mode
    assert probe.reg(SEL_MSP) == 0x20005000  # frame popped


def test_bit_band_alias_sets_and_reads_single_bits() -> None:
    code = assemble("""
        ldr r1, =0x22000000 + (0x100 * 32) + (5 * 4)   @ bit 5 of 0x20000100
        movs r0, #1
        str r0, [r1]
        ldr r2, =0x20000100
        ldr r3, [r2]
        ldr r4, [r1]
        b .
        .pool
    """)
    chip = chip_with("stm32f407vg", vector_image(0x20020000, code))
    chip.advance(0.001)
    probe = Probe(chip)
    probe.halt()
    assert probe.reg(3) == 1 << 5
    assert probe.reg(4) == 1


def test_watchpoint_on_a_post_indexed_store_lets_the_instruction_finish() -> None:
    # blinky's bss loop zeroes blink_count (0x20000004) with `str.w r1, [r3], #4`
    chip, probe = halted_blinky()
    probe.write32(DEMCR, 1 << 24 | VC_CORERESET)
    probe.write32(DWT_COMP0, 0x20000004)
    probe.write32(DWT_MASK0, 2)
    probe.write32(DWT_FUNCTION0, 6)
    probe.resume()
    chip.advance(0.001)
    assert probe.halted()
    assert probe.reg(3) == 0x20000008  # the writeback happened
    assert probe.reg(SEL_PC) == 0x08000084  # right after the store at 0x08000080
    probe.resume()
    chip.advance(0.001)
    assert probe.halted()  # next write to blink_count: `str r3, [r4]` in main
    assert probe.reg(SEL_PC) == 0x080000C8
    assert probe.read32(0x20000004) == 1

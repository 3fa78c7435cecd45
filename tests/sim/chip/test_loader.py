"""Flash loaders running on the virtual core: the core polls BSY while modeled time
passes, and ends with BKPT like OpenOCD's loaders."""

from __future__ import annotations

import struct

import pytest

from ocdpy.sim.chips import create_chip

from .helpers import DEMCR, FIRMWARE, SEL_PC, Probe, assemble

F1_LOADER = """
    @ r0 flash register base, r1 source, r2 destination, r3 half-word count
    ldr r4, =0x45670123
    str r4, [r0, #4]
    ldr r4, =0xCDEF89AB
    str r4, [r0, #4]
    movs r4, #1
    str r4, [r0, #0x10]        @ CR = PG
next:
    ldrh r4, [r1], #2
    strh r4, [r2], #2
busy:
    ldr r5, [r0, #0x0C]
    tst r5, #1
    bne busy
    tst r5, #0x14              @ PGERR | WRPRTERR
    bne done
    subs r3, #1
    bne next
done:
    mov r0, r5
    bkpt #0
    .pool
"""

F4_SECTOR_ERASE = """
    @ erase sector 1 with x32 parallelism from the core, then stop
    ldr r0, =0x40023C00
    ldr r4, =0x45670123
    str r4, [r0, #4]
    ldr r4, =0xCDEF89AB
    str r4, [r0, #4]
    ldr r4, =0x0001020A        @ STRT | PSIZE x32 | SNB 1 | SER
    str r4, [r0, #0x10]
wait:
    ldr r5, [r0, #0x0C]
    tst r5, #0x10000
    bne wait
    bkpt #0
    .pool
"""

LOADER_ADDR, SOURCE = 0x20000000, 0x20001000


def run_loader(chip: object, probe: Probe, code: bytes, regs: dict[int, int], limit: float = 10.0) -> float:
    """Start `code` in SRAM with `regs`, advance until it halts; modeled seconds taken."""
    probe.reset_halt()
    probe.write32(DEMCR, 0)
    probe.write(LOADER_ADDR, code + b"\0" * (-len(code) % 4))
    for sel, value in regs.items():
        probe.set_reg(sel, value)
    probe.set_reg(SEL_PC, LOADER_ADDR)
    probe.set_reg(16, 0x01000000)
    start = chip.stats.clock.now
    probe.resume()
    while not probe.halted():
        assert chip.stats.clock.now - start < limit, "loader did not finish"
        chip.advance(0.001)
    return chip.stats.clock.now - start


def test_f1_loader_programs_at_the_datasheet_rate() -> None:
    chip = create_chip("stm32f103c8")
    probe = Probe(chip)
    code = assemble(F1_LOADER)
    data = bytes((i * 7) & 0xFF for i in range(2048))
    probe.write(SOURCE, data)
    seconds = run_loader(chip, probe, code, {0: 0x40022000, 1: SOURCE, 2: 0x08000000, 3: 1024})
    assert chip.flash_bytes(0, 2048) == data
    assert probe.reg(0) & 0x14 == 0
    assert chip.stats.get("flash_programs") == 1024
    floor = 1024 * 52.5e-6
    # BSY holds the loader for 52.5 us per half-word; loop instructions and the 1 ms
    # polling granularity of this test come on top
    assert floor <= seconds < floor * 1.10 + 0.001


def test_f1_loader_sees_pgerr_on_a_programmed_cell() -> None:
    chip = create_chip("stm32f103c8")
    chip.flash.write(0x10, b"\x00\x11")
    chip.flash_changed(0x08000010, 2)
    probe = Probe(chip)
    probe.write(SOURCE, b"\xaa\xbb" * 16)
    run_loader(chip, probe, assemble(F1_LOADER), {0: 0x40022000, 1: SOURCE, 2: 0x08000000, 3: 16})
    assert probe.reg(0) & 0x04  # PGERR stopped it
    assert chip.flash_bytes(0, 0x12) == b"\xaa\xbb" * 8 + b"\x00\x11"
    assert chip.flash_bytes(0x12, 2) == b"\xff\xff"


def test_f4_core_waits_out_a_sector_erase() -> None:
    chip = create_chip("stm32f407vg")
    chip.flash.write(0x4000, b"\x00" * 8)
    probe = Probe(chip)
    seconds = run_loader(chip, probe, assemble(F4_SECTOR_ERASE, "cortex-m4"), {})
    assert 0.250 <= seconds < 0.252  # t_ERASE16KB at x32, DS8626
    assert chip.flash_bytes(0x4000, 8) == b"\xff" * 8


def test_core_halts_only_when_the_modeled_clock_reaches_it() -> None:
    """A loader stalled by BSY runs ahead of the probe's clock; its BKPT must not be
    visible to the debugger before the modeled time of the halt."""
    chip = create_chip("stm32f407vg")
    probe = Probe(chip)
    probe.reset_halt()
    probe.write32(DEMCR, 0)
    code = assemble(F4_SECTOR_ERASE, "cortex-m4")
    probe.write(LOADER_ADDR, code)
    probe.set_reg(SEL_PC, LOADER_ADDR)
    probe.resume()
    chip.advance(0.001)  # the core reaches BKPT at ~0.25 s of its own time
    assert not probe.halted()
    chip.advance(0.26)
    assert probe.halted()


@pytest.mark.parametrize("bank_base,regs", [(0x08000000, 0x52002000), (0x08100000, 0x52002100)])
def test_h7_loader_programs_flash_words(bank_base: int, regs: int) -> None:
    source = """
        ldr r4, =0x45670123
        str r4, [r0, #4]
        ldr r4, =0xCDEF89AB
        str r4, [r0, #4]
        movs r4, #0x32             @ PG, PSIZE x64
        str r4, [r0, #0x0C]
    word:
        movs r6, #8
    copy:
        ldr r4, [r1], #4
        str r4, [r2], #4
        subs r6, #1
        bne copy
    busy:
        ldr r5, [r0, #0x10]
        tst r5, #4                 @ QW
        bne busy
        subs r3, #1
        bne word
        mov r0, r5
        bkpt #0
        .pool
    """
    chip = create_chip("stm32h753xi")
    probe = Probe(chip)
    data = bytes((i * 13) & 0xFF for i in range(32 * 64))
    probe.write(SOURCE, data)
    seconds = run_loader(chip, probe, assemble(source, "cortex-m7"), {0: regs, 1: SOURCE, 2: bank_base, 3: 64})
    assert chip.flash_bytes(bank_base - 0x08000000, len(data)) == data
    assert struct.unpack("<I", probe.read(regs + 0x10, 4))[0] & 0x07EE0000 == 0
    assert 64 * 100e-6 <= seconds < 64 * 100e-6 * 1.1 + 0.001


STATUS = 0x20002000

F4_ERASE_THEN_REPORT = """
    @ erase sector 1 (x32) from the core, wait as `how` says, then write 1 to the status word
    ldr r0, =0x40023C00
    ldr r4, =0x45670123
    str r4, [r0, #4]
    ldr r4, =0xCDEF89AB
    str r4, [r0, #4]
    ldr r4, =0x0001020A        @ STRT | PSIZE x32 | SNB 1 | SER
    str r4, [r0, #0x10]
{wait}
    ldr r6, =0x20002000
    movs r7, #1
    str r7, [r6]
    bkpt #0
    .pool
"""
WAITS = {
    # polling SR.BSY (the model takes the polling loop in one step)
    "poll": "wait:\n    ldr r5, [r0, #0x0C]\n    tst r5, #0x10000\n    bne wait",
    # writing CR while BSY is set stalls the bus until the erase ends (RM0090)
    "bus-stall": "    movs r5, #0\n    str r5, [r0, #0x10]",
}


def _start_erase_loader(wait: str) -> tuple[object, Probe, float]:
    return _start_erase_loader_with(WAITS[wait])


def _start_erase_loader_with(wait: str) -> tuple[object, Probe, float]:
    chip = create_chip("stm32f407vg")
    probe = Probe(chip)
    probe.reset_halt()
    probe.write32(DEMCR, 0)
    probe.write32(STATUS, 0)
    probe.write(LOADER_ADDR, assemble(F4_ERASE_THEN_REPORT.format(wait=wait), "cortex-m4"))
    probe.set_reg(SEL_PC, LOADER_ADDR)
    start = chip.stats.clock.now
    probe.resume()
    return chip, probe, start


@pytest.mark.parametrize("wait", sorted(WAITS))
def test_a_stalled_core_shows_its_stores_only_once_the_clock_gets_there(wait: str) -> None:
    """A debugger polling a loader's status word must not see "done" before the erase
    time has passed, and sees the loader halted as soon as it does."""
    chip, probe, start = _start_erase_loader(wait)
    while probe.read32(STATUS) == 0:
        assert chip.stats.clock.now - start < 1.0, "the loader never reported"
        chip.advance(0.001)
    assert chip.stats.clock.now - start >= 0.250  # t_ERASE16KB at x32, DS8626
    chip.advance(0.001)
    assert probe.halted()
    assert chip.flash_bytes(0x4000, 4) == b"\xff" * 4


def test_a_halt_request_stops_a_core_waiting_on_the_flash_at_once() -> None:
    chip, probe, start = _start_erase_loader("poll")
    chip.advance(0.010)
    probe.halt()
    assert probe.halted()  # the polling loop halts at once, it is not a bus stall
    pc = probe.reg(SEL_PC)
    assert LOADER_ADDR <= pc < LOADER_ADDR + 0x40
    assert probe.read32(STATUS) == 0
    assert struct.unpack("<I", probe.read(0x40023C0C, 4))[0] & 0x10000  # still BSY
    probe.resume()
    while not probe.halted():
        assert chip.stats.clock.now - start < 1.0, "the loader never finished"
        chip.advance(0.001)
    assert probe.read32(STATUS) == 1
    assert chip.stats.clock.now - start >= 0.250


@pytest.mark.parametrize("copy", [
    # one word per instruction: the eighth store of a flash word waits for the previous one
    "movs r6, #8\ncopy:\n    ldr r4, [r1], #4\n    str r4, [r2], #4\n    subs r6, #1\n    bne copy",
    # eight words per instruction (a bus stall inside a multiple store)
    "ldmia r1!, {r4-r11}\n    stmia r2!, {r4-r11}",
])
def test_h7_back_to_back_flash_words_without_polling(copy: str) -> None:
    source = f"""
        ldr r4, =0x45670123
        str r4, [r0, #4]
        ldr r4, =0xCDEF89AB
        str r4, [r0, #4]
        movs r4, #0x32             @ PG, PSIZE x64
        str r4, [r0, #0x0C]
    word:
        {copy}
        subs r3, #1
        bne word
    busy:
        ldr r5, [r0, #0x10]
        tst r5, #4                 @ QW
        bne busy
        mov r0, r5
        bkpt #0
        .pool
    """
    chip = create_chip("stm32h753xi")
    probe = Probe(chip)
    data = bytes((i * 29 + 3) & 0xFF for i in range(32 * 64))
    probe.write(SOURCE, data)
    seconds = run_loader(chip, probe, assemble(source, "cortex-m7"),
                         {0: 0x52002000, 1: SOURCE, 2: 0x08000000, 3: 64})
    assert chip.flash_bytes(0, len(data)) == data
    assert struct.unpack("<I", probe.read(0x52002010, 4))[0] & 0x07EE0000 == 0  # no STRBERR/INCERR...
    assert chip.stats.get("flash_programs") == 64
    assert 64 * 100e-6 <= seconds < 64 * 100e-6 * 1.1 + 0.001


def test_a_reset_ends_the_wait_of_a_core_stalled_on_an_erase() -> None:
    # blinky in sector 0, the loader erases sector 1 and waits 250 ms for it
    chip = create_chip("stm32f407vg")
    image = (FIRMWARE / "blinky-f407.bin").read_bytes()
    chip.flash.write(0, image)
    chip.flash_changed(0x08000000, len(image))
    chip.power_on()
    probe = Probe(chip)
    probe.reset_halt()
    probe.write32(DEMCR, 0)
    probe.write(LOADER_ADDR, assemble(F4_ERASE_THEN_REPORT.format(wait=WAITS["poll"]), "cortex-m4"))
    probe.set_reg(SEL_PC, LOADER_ADDR)
    probe.resume()
    chip.advance(0.010)
    probe.write32(0xE000ED0C, 0x05FA0004)  # SYSRESETREQ: the firmware starts again now
    chip.advance(0.050)
    assert chip.gpio_toggles("D", 12) >= 10  # not only once the abandoned erase would be over


def test_a_write_that_waits_for_an_erase_is_made_once_the_erase_is_over() -> None:
    # Starting a second sector erase while the first runs stalls the CR write (RM0090);
    # the core is stopped before it and must make it exactly once, 250 ms later.
    chip, probe, start = _start_erase_loader_with(
        "    ldr r5, =0x00010212        @ STRT | PSIZE x32 | SNB 2 | SER\n    str r5, [r0, #0x10]\n"
        "wait:\n    ldr r5, [r0, #0x0C]\n    tst r5, #0x10000\n    bne wait")
    chip.flash.write(0x8000, b"\x00" * 4)
    chip.flash_changed(0x08008000, 4)
    chip.advance(0.100)
    assert chip.stats.get("flash_erases_sector") == 1  # the second one waits for the first
    assert chip.flash_bytes(0x8000, 4) == b"\x00" * 4
    while probe.read32(STATUS) == 0:
        assert chip.stats.clock.now - start < 1.0, "the loader never reported"
        chip.advance(0.001)
    assert chip.stats.clock.now - start >= 0.500  # two 16 KiB sectors at x32
    assert chip.stats.get("flash_erases_sector") == 2
    assert chip.flash_bytes(0x8000, 4) == b"\xff" * 4

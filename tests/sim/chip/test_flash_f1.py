"""The STM32F1 flash controller driven from the debugger, as OpenOCD's stm32f1x driver does."""

from __future__ import annotations

import pytest

from ocdpy.sim.chips import create_chip
from ocdpy.sim.port import SimBusFault

from .helpers import Probe

FLASH = 0x40022000
KEYR, OPTKEYR, SR, CR, AR, OBR, WRPR = (FLASH + o for o in (0x04, 0x08, 0x0C, 0x10, 0x14, 0x1C, 0x20))
KEY1, KEY2 = 0x45670123, 0xCDEF89AB
BSY, PGERR, WRPRTERR, EOP = 1, 4, 0x10, 0x20
PG, PER, MER, OPTPG, OPTER, STRT, LOCK = 1, 2, 4, 0x10, 0x20, 0x40, 0x80
OB = 0x1FFFF800


def unlocked(faults: object = None) -> tuple[object, Probe]:
    chip = create_chip("stm32f103c8", faults=faults)
    probe = Probe(chip)
    probe.write32(KEYR, KEY1)
    probe.write32(KEYR, KEY2)
    assert not probe.read32(CR) & LOCK
    return chip, probe


def wait_not_busy(chip: object, probe: Probe, step: float = 0.001, limit: int = 100) -> int:
    polls = 0
    while probe.read32(SR) & BSY:
        polls += 1
        assert polls < limit, "flash stayed busy"
        chip.advance(step)
    return polls


def test_controller_starts_locked_with_reset_values() -> None:
    probe = Probe(create_chip("stm32f103c8"))
    assert probe.read32(CR) == LOCK
    assert probe.read32(SR) == 0
    assert probe.read32(OBR) == 0x03FFFFFC  # no read protection, user and data bytes 0xFF
    assert probe.read32(WRPR) == 0xFFFFFFFF


def test_writes_to_a_locked_control_register_are_ignored() -> None:
    probe = Probe(create_chip("stm32f103c8"))
    probe.write32(CR, PER)
    assert probe.read32(CR) == LOCK


def test_wrong_key_locks_until_reset_with_a_bus_error() -> None:
    chip = create_chip("stm32f103c8")
    probe = Probe(chip)
    with pytest.raises(SimBusFault):
        probe.write32(KEYR, 0x12345678)
    with pytest.raises(SimBusFault):  # even the right keys are refused now
        probe.write32(KEYR, KEY1)
    assert probe.read32(CR) & LOCK
    probe.write32(0xE000ED0C, 0x05FA0004)  # system reset
    probe.write32(KEYR, KEY1)
    probe.write32(KEYR, KEY2)
    assert not probe.read32(CR) & LOCK


def test_page_erase_is_busy_for_the_datasheet_time() -> None:
    chip, probe = unlocked()
    chip.flash.write(0x400, b"\x00" * 16)
    probe.write32(CR, PER)
    probe.write32(AR, 0x08000400)
    probe.write32(CR, PER | STRT)
    assert probe.read32(SR) & BSY
    chip.advance(0.019)
    assert probe.read32(SR) & BSY  # 20 ms (DS5319) have not passed yet
    chip.advance(0.0011)
    assert probe.read32(SR) == EOP
    assert probe.read(0x08000400, 16) == b"\xff" * 16
    assert chip.stats.get("flash_erases_page") == 1


def test_half_word_programming_and_pgerr_on_non_erased_cells() -> None:
    chip, probe = unlocked()
    probe.write32(CR, PG)
    probe.write16(0x08000000, 0x1234)
    assert probe.read32(SR) & BSY
    chip.advance(60e-6)  # 52.5 us
    assert probe.read32(SR) == EOP
    assert probe.read16(0x08000000) == 0x1234
    probe.write16(0x08000000, 0x1030)  # only clears bits, but the cell is not erased
    assert probe.read32(SR) & PGERR
    assert probe.read16(0x08000000) == 0x1234
    probe.write32(SR, PGERR | EOP)
    assert probe.read32(SR) == 0
    probe.write16(0x08000000, 0x0000)  # writing zero over anything is allowed
    chip.advance(60e-6)
    assert probe.read16(0x08000000) == 0x0000
    assert not probe.read32(SR) & PGERR
    assert chip.stats.get("flash_programs") == 2


def test_only_half_word_writes_program() -> None:
    chip, probe = unlocked()
    probe.write32(CR, PG)
    with pytest.raises(SimBusFault):
        probe.write32(0x08000010, 0x11223344)
    assert probe.read32(0x08000010) == 0xFFFFFFFF


def test_writes_without_pg_leave_flash_alone() -> None:
    chip, probe = unlocked()
    probe.write16(0x08000000, 0x5555)
    assert probe.read16(0x08000000) == 0xFFFF


def test_mass_erase() -> None:
    chip, probe = unlocked()
    chip.flash.write(0, b"\x00" * 64)
    chip.flash.write(0xFFC0, b"\x00" * 64)
    probe.write32(CR, MER)
    probe.write32(CR, MER | STRT)
    wait_not_busy(chip, probe)
    assert chip.flash_bytes() == b"\xff" * 65536
    assert chip.stats.get("flash_erases_mass") == 1


def test_write_protected_pages_report_wrprterr() -> None:
    chip, probe = unlocked(faults=["wrp"])  # pages 0-3 protected
    assert probe.read32(WRPR) == 0xFFFFFFFE
    probe.write32(CR, PER)
    probe.write32(AR, 0x08000800)
    probe.write32(CR, PER | STRT)
    assert probe.read32(SR) & WRPRTERR
    probe.write32(SR, WRPRTERR)
    probe.write32(CR, PG)
    probe.write16(0x08000000, 0x1111)
    assert probe.read32(SR) & WRPRTERR
    assert probe.read16(0x08000000) == 0xFFFF
    probe.write16(0x08001000, 0x2222)  # page 4 is not protected
    chip.advance(1e-4)
    assert probe.read16(0x08001000) == 0x2222


def test_option_bytes_erase_and_program_with_complements() -> None:
    chip, probe = unlocked()
    probe.write32(OPTKEYR, KEY1)
    probe.write32(OPTKEYR, KEY2)
    assert probe.read32(CR) & 0x200  # OPTWRE
    probe.write32(CR, OPTER | 0x200)
    probe.write32(CR, OPTER | STRT | 0x200)
    wait_not_busy(chip, probe)
    assert probe.read(OB, 16) == b"\xff" * 16
    probe.write32(CR, OPTPG | 0x200)
    for offset, value in ((0, 0xA5), (2, 0xFF), (4, 0x12), (8, 0xFE)):
        probe.write16(OB + offset, value)
        chip.advance(1e-4)
    assert probe.read16(OB) == 0x5AA5
    assert probe.read16(OB + 4) == 0xED12
    assert probe.read16(OB + 8) == 0x01FE
    # OBR/WRPR are loaded from the option bytes at the next reset
    assert probe.read32(WRPR) == 0xFFFFFFFF
    probe.write32(0xE000ED0C, 0x05FA0004)
    assert probe.read32(WRPR) == 0xFFFFFFFE
    assert (probe.read32(OBR) >> 10) & 0xFF == 0x12


def test_read_protection_blocks_the_debugger_until_unlocked() -> None:
    chip = create_chip("stm32f103c8", faults=["rdp1"])
    chip.flash.write(0, b"\x42" * 1024)
    probe = Probe(chip)
    assert probe.read32(OBR) & 2  # RDPRT
    with pytest.raises(SimBusFault) as info:
        probe.read32(0x08000000)
    assert info.value.addr == 0x08000000
    # the unlock OpenOCD's `stm32f1x unlock` performs: erase options, write RDP=0xA5
    probe.write32(KEYR, KEY1)
    probe.write32(KEYR, KEY2)
    probe.write32(OPTKEYR, KEY1)
    probe.write32(OPTKEYR, KEY2)
    probe.write32(CR, OPTER | 0x200)
    probe.write32(CR, OPTER | STRT | 0x200)
    wait_not_busy(chip, probe, step=0.005)
    probe.write32(CR, OPTPG | 0x200)
    probe.write16(OB, 0xA5)
    chip.advance(1e-4)
    probe.write32(0xE000ED0C, 0x05FA0004)
    assert not probe.read32(OBR) & 2
    assert probe.read(0x08000000, 1024) == b"\xff" * 1024  # removing RDP mass-erased flash

"""The STM32F4 flash interface: sectors, PSIZE, sequence errors, option bytes."""

from __future__ import annotations

import pytest

from ocdpy.sim.chips import create_chip
from ocdpy.sim.port import SimBusFault

from .helpers import Probe

FLASH = 0x40023C00
KEYR, OPTKEYR, SR, CR, OPTCR = (FLASH + o for o in (0x04, 0x08, 0x0C, 0x10, 0x14))
KEY1, KEY2, OPTKEY1, OPTKEY2 = 0x45670123, 0xCDEF89AB, 0x08192A3B, 0x4C5D6E7F
EOP, OPERR, WRPERR, PGAERR, PGPERR, PGSERR, BSY = 1, 2, 0x10, 0x20, 0x40, 0x80, 1 << 16
PG, SER, MER, STRT, LOCK = 1, 2, 4, 1 << 16, 1 << 31
PSIZE16, PSIZE32 = 1 << 8, 2 << 8


def unlocked(faults: object = None) -> tuple[object, Probe]:
    chip = create_chip("stm32f407vg", faults=faults)
    probe = Probe(chip)
    assert probe.read32(CR) == LOCK
    probe.write32(KEYR, KEY1)
    probe.write32(KEYR, KEY2)
    assert probe.read32(CR) == 0
    return chip, probe


def erase_sector(chip: object, probe: Probe, sector: int, psize: int = 0) -> float:
    """Erase and return the modeled seconds BSY stayed set (1 ms resolution)."""
    start = chip.stats.clock.now
    probe.write32(CR, SER | sector << 3 | psize | STRT)
    while probe.read32(SR) & BSY:
        chip.advance(0.001)
    return chip.stats.clock.now - start


def test_optcr_reset_value() -> None:
    assert Probe(create_chip("stm32f407vg")).read32(OPTCR) == 0x0FFFAAED


@pytest.mark.parametrize("sector,psize,seconds", [(0, 0, 0.400), (0, PSIZE32, 0.250), (4, 0, 1.2), (11, PSIZE16, 1.3)])
def test_sector_erase_time_follows_size_and_parallelism(sector: int, psize: int, seconds: float) -> None:
    chip, probe = unlocked()
    offset = [0, 0x4000, 0x8000, 0xC000, 0x10000] + [0x20000 * i for i in range(1, 8)]
    chip.flash.write(offset[sector], b"\x00" * 32)
    busy = erase_sector(chip, probe, sector, psize)
    assert seconds <= busy < seconds + 0.0015
    assert probe.read(0x08000000 + offset[sector], 32) == b"\xff" * 32
    assert chip.stats.get("flash_erases_sector") == 1


def test_program_with_psize_16_only_clears_bits() -> None:
    chip, probe = unlocked()
    probe.write32(CR, PG | PSIZE16)
    probe.write16(0x08000000, 0xF0F0)
    chip.advance(20e-6)  # 16 us per write
    probe.write16(0x08000000, 0x3C3C)
    chip.advance(20e-6)
    assert probe.read16(0x08000000) == 0x3030  # 1 -> 0 only, no error
    assert probe.read32(SR) & ~EOP == 0


def test_access_size_must_match_psize() -> None:
    chip, probe = unlocked()
    probe.write32(CR, PG | PSIZE16)
    probe.write32(0x08000000, 0)
    assert probe.read32(SR) & PGPERR
    assert probe.read32(0x08000000) == 0xFFFFFFFF


def test_write_without_pg_is_a_sequence_error() -> None:
    chip, probe = unlocked()
    probe.write16(0x08000000, 0)
    assert probe.read32(SR) & PGSERR
    probe.write32(SR, PGSERR)
    assert probe.read32(SR) == 0


def test_writing_cr_while_busy_stalls_until_the_erase_ends() -> None:
    chip, probe = unlocked()
    probe.write32(CR, SER | STRT)  # sector 0, x8: 400 ms
    before = chip.stats.clock.now
    probe.write32(CR, PG | PSIZE16)  # the bus stalls until BSY clears
    assert chip.stats.clock.now - before >= 0.399
    assert not probe.read32(SR) & BSY


def test_eop_only_with_eopie() -> None:
    chip, probe = unlocked()
    probe.write32(CR, PG | PSIZE16)
    probe.write16(0x08000000, 0x1234)
    chip.advance(1e-4)
    assert not probe.read32(SR) & EOP
    probe.write32(CR, PG | PSIZE16 | 1 << 24)
    probe.write16(0x08000002, 0x1234)
    chip.advance(1e-4)
    assert probe.read32(SR) & EOP


def test_protected_sector_reports_wrperr() -> None:
    chip, probe = unlocked(faults={"wrp": 1})
    assert probe.read32(OPTCR) >> 16 & 0xFFF == 0xFFE
    probe.write32(CR, SER | STRT)
    assert probe.read32(SR) & WRPERR
    probe.write32(SR, WRPERR)
    probe.write32(CR, PG | PSIZE16)
    probe.write16(0x08000000, 0)
    assert probe.read32(SR) & WRPERR
    probe.write16(0x08004000, 0)  # sector 1 is writable
    chip.advance(1e-4)
    assert probe.read16(0x08004000) == 0


def test_option_register_has_its_own_lock() -> None:
    chip, probe = unlocked()
    probe.write32(OPTCR, 0x0FFFAAEC & ~(1 << 16))  # still locked: ignored
    assert probe.read32(OPTCR) == 0x0FFFAAED
    probe.write32(OPTKEYR, OPTKEY1)
    probe.write32(OPTKEYR, OPTKEY2)
    assert probe.read32(OPTCR) & 1 == 0
    probe.write32(OPTCR, 0x0FFEAAEC)  # protect sector 0
    probe.write32(OPTCR, 0x0FFEAAEE)  # OPTSTRT
    assert probe.read32(SR) & BSY
    while probe.read32(SR) & BSY:
        chip.advance(0.01)
    assert probe.read32(OPTCR) >> 16 & 1 == 0
    assert chip.option_bytes()["optcr"] >> 16 & 1 == 0


def test_rdp_level_1_then_back_to_0_erases_everything() -> None:
    chip, probe = unlocked(faults=["rdp1"])
    chip.flash.write(0x20000, b"\x11" * 16)
    assert probe.read32(OPTCR) >> 8 & 0xFF == 0x55
    with pytest.raises(SimBusFault):
        probe.read32(0x08000000)
    probe.write32(CR, SER | STRT)
    assert probe.read32(SR) & WRPERR  # no erase from the debugger under RDP 1
    probe.write32(OPTKEYR, OPTKEY1)
    probe.write32(OPTKEYR, OPTKEY2)
    probe.write32(OPTCR, 0x0FFFAAEC)
    probe.write32(OPTCR, 0x0FFFAAEE)
    while probe.read32(SR) & BSY:
        chip.advance(0.1)
    assert probe.read32(OPTCR) >> 8 & 0xFF == 0xAA
    assert probe.read(0x08020000, 16) == b"\xff" * 16


def test_otp_programming_and_lock_bytes() -> None:
    chip, probe = unlocked()
    probe.write32(CR, PG | PSIZE16)
    probe.write16(0x1FFF7800, 0xBEEF)
    chip.advance(1e-4)
    assert probe.read16(0x1FFF7800) == 0xBEEF
    probe.write32(CR, PG)  # byte writes for the lock byte
    probe.chip.mem_write(0, 0x1FFF7A01, b"\x00", 1)  # lock OTP block 1
    chip.advance(1e-4)
    probe.write32(CR, PG | PSIZE16)
    probe.write16(0x1FFF7820, 0)
    assert probe.read32(SR) & WRPERR
    assert probe.read16(0x1FFF7820) == 0xFFFF

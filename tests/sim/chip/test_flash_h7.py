"""The STM32H7 dual-bank flash: 256-bit flash words through the write buffer."""

from __future__ import annotations

import struct

import pytest

from ocdpy.sim.chips import create_chip
from ocdpy.sim.port import SimBusFault

from .helpers import Probe

BANK_REGS = {1: 0x52002000, 2: 0x52002100}
KEYR, CR, SR, CCR, OPTCR, OPTSR_CUR, OPTSR_PRG, WPSN_CUR, WPSN_PRG = 0x04, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x38, 0x3C
KEY1, KEY2, OPTKEY1, OPTKEY2 = 0x45670123, 0xCDEF89AB, 0x08192A3B, 0x4C5D6E7F
BSY, WBNE, QW = 1, 2, 4
EOP, WRPERR, PGSERR, INCERR, DBECCERR = 1 << 16, 1 << 17, 1 << 18, 1 << 21, 1 << 26
LOCK, PG, SER, BER, FW, START = 1, 2, 4, 8, 0x40, 0x80
PSIZE64 = 0x30
BANK_BASE = {1: 0x08000000, 2: 0x08100000}


def unlocked(bank: int, faults: object = None, chip: object = None) -> tuple[object, Probe]:
    chip = chip or create_chip("stm32h753xi", faults=faults)
    probe = Probe(chip)
    regs = BANK_REGS[bank]
    assert probe.read32(regs + CR) == LOCK | PSIZE64
    probe.write32(regs + KEYR, KEY1)
    probe.write32(regs + KEYR, KEY2)
    assert not probe.read32(regs + CR) & LOCK
    return chip, probe


def program_word(chip: object, probe: Probe, bank: int, addr: int, data: bytes) -> None:
    regs = BANK_REGS[bank]
    probe.write32(regs + CR, PG | PSIZE64)
    for i in range(0, 32, 4):
        probe.write(addr + i, data[i : i + 4])
        if i < 28:
            assert probe.read32(regs + SR) & WBNE
    status = probe.read32(regs + SR)
    assert status & QW and status & BSY and not status & WBNE
    chip.advance(110e-6)  # x64: 100 us per flash word
    assert probe.read32(regs + SR) & (QW | BSY) == 0


@pytest.mark.parametrize("bank", [1, 2])
def test_flash_word_programming_on_each_bank(bank: int) -> None:
    chip, probe = unlocked(bank)
    data = bytes(range(32))
    addr = BANK_BASE[bank] + 0x40
    program_word(chip, probe, bank, addr, data)
    assert probe.read(addr, 32) == data
    assert probe.read32(BANK_REGS[bank] + SR) & EOP
    assert chip.stats.get("flash_programs") == 1


def test_cells_keep_old_contents_until_the_word_is_complete() -> None:
    chip, probe = unlocked(1)
    probe.write32(BANK_REGS[1] + CR, PG | PSIZE64)
    probe.write32(0x08000000, 0x11111111)
    assert probe.read32(0x08000000) == 0xFFFFFFFF
    probe.write32(BANK_REGS[1] + CR, PG | PSIZE64 | FW)  # force-write the partial word
    chip.advance(110e-6)
    assert probe.read(0x08000000, 8) == struct.pack("<II", 0x11111111, 0xFFFFFFFF)


def test_switching_flash_word_mid_buffer_is_an_inconsistency_error() -> None:
    chip, probe = unlocked(1)
    probe.write32(BANK_REGS[1] + CR, PG)
    probe.write32(0x08000000, 0)
    probe.write32(0x08000020, 0)
    assert probe.read32(BANK_REGS[1] + SR) & INCERR
    probe.write32(BANK_REGS[1] + CCR, INCERR)
    assert not probe.read32(BANK_REGS[1] + SR) & INCERR


def test_write_without_pg_is_a_sequence_error() -> None:
    chip, probe = unlocked(1)
    probe.write32(0x08000000, 0)
    assert probe.read32(BANK_REGS[1] + SR) & PGSERR


def test_reprogramming_a_flash_word_breaks_its_ecc() -> None:
    chip, probe = unlocked(1)
    program_word(chip, probe, 1, 0x08000000, b"\x0f" * 32)
    program_word(chip, probe, 1, 0x08000000, b"\xf3" * 32)
    with pytest.raises(SimBusFault) as info:
        probe.read32(0x08000000)
    assert info.value.addr == 0x08000000
    assert probe.read32(BANK_REGS[1] + SR) & DBECCERR
    # writing the word to all zeros is the one overwrite ECC allows
    program_word(chip, probe, 1, 0x08000000, bytes(32))
    assert probe.read(0x08000000, 32) == bytes(32)


def test_sector_erase_on_bank_2() -> None:
    chip, probe = unlocked(2)
    chip.flash.write(0x100000 + 3 * 0x20000, b"\x00" * 64)
    regs = BANK_REGS[2]
    probe.write32(regs + CR, SER | PSIZE64 | 3 << 8)
    probe.write32(regs + CR, SER | PSIZE64 | 3 << 8 | START)
    assert probe.read32(regs + SR) & QW
    assert probe.read32(BANK_REGS[1] + SR) & QW == 0  # the other bank is idle
    chip.advance(0.99)
    assert probe.read32(regs + SR) & QW
    chip.advance(0.02)  # 1 s at x64
    assert probe.read32(regs + SR) & QW == 0
    assert probe.read(0x08160000, 64) == b"\xff" * 64
    assert chip.stats.get("flash_erases_sector") == 1


def test_bank_erase() -> None:
    chip, probe = unlocked(1)
    chip.flash.write(0x80000, b"\x00" * 64)
    probe.write32(BANK_REGS[1] + CR, BER | PSIZE64 | START)
    while probe.read32(BANK_REGS[1] + SR) & QW:
        chip.advance(0.1)
    assert probe.read(0x08080000, 64) == b"\xff" * 64
    assert chip.stats.get("flash_erases_mass") == 1


def test_write_protection_through_the_option_bytes() -> None:
    chip, probe = unlocked(1, faults=["wrp=1"])
    assert probe.read32(BANK_REGS[1] + WPSN_CUR) == 0xFE
    probe.write32(BANK_REGS[1] + CR, SER | PSIZE64 | START)
    assert probe.read32(BANK_REGS[1] + SR) & WRPERR
    # unprotect it: OPTSR/WPSN_PRG then OPTSTART, as OpenOCD's stm32h7x driver does
    probe.write32(BANK_REGS[1] + OPTCR - 0x10, OPTKEY1)  # OPTKEYR at 0x08
    probe.write32(BANK_REGS[1] + OPTCR - 0x10, OPTKEY2)
    assert probe.read32(BANK_REGS[1] + OPTCR) & 1 == 0
    probe.write32(BANK_REGS[1] + WPSN_PRG, 0xFF)
    probe.write32(BANK_REGS[1] + OPTCR, 2)  # OPTSTART
    assert probe.read32(BANK_REGS[1] + OPTSR_CUR) & 1  # OPT_BUSY
    while probe.read32(BANK_REGS[1] + OPTSR_CUR) & 1:
        chip.advance(0.05)
    assert probe.read32(BANK_REGS[1] + WPSN_CUR) == 0xFF


def test_read_protection_faults_debugger_reads() -> None:
    chip, probe = unlocked(1, faults=["rdp1"])
    assert probe.read32(BANK_REGS[1] + OPTSR_CUR) >> 8 & 0xFF == 0x55
    with pytest.raises(SimBusFault):
        probe.read32(0x08000000)

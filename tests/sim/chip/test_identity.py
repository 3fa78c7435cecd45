"""What a debugger reads to identify each virtual chip: the values real parts report."""

from __future__ import annotations

import pytest

from ocdpy.errors import ConfigError
from ocdpy.sim.chips import CHIP_NAMES, create_chip
from ocdpy.sim.port import SimTarget

from .helpers import Probe

IDS = {
    # chip: (DPIDR, CPUID, DBGMCU address, IDCODE, flash size reg, KiB, FP_CTRL, AP0 IDR, AP0 BASE)
    "stm32f103c8": (0x1BA01477, 0x411FC231, 0xE0042000, 0x20036410, 0x1FFFF7E0, 64, 0x260, 0x14770011, 0xE00FF003),
    "stm32f103cb": (0x1BA01477, 0x411FC231, 0xE0042000, 0x20036410, 0x1FFFF7E0, 128, 0x260, 0x14770011, 0xE00FF003),
    "stm32f407vg": (0x2BA01477, 0x410FC241, 0xE0042000, 0x10076413, 0x1FFF7A22, 1024, 0x260, 0x24770011, 0xE00FF003),
    "stm32h753xi": (0x6BA02477, 0x411FC271, 0x5C001000, 0x20036450, 0x1FF1E880, 2048, 0x10000080, 0x84770001, 0xE00FE003),
}


def test_chip_names_cover_the_table() -> None:
    assert set(CHIP_NAMES) == set(IDS)


@pytest.mark.parametrize("name", sorted(IDS))
def test_identification_registers(name: str) -> None:
    dpidr, cpuid, dbgmcu, idcode, size_reg, kib, fp_ctrl, idr, base = IDS[name]
    chip = create_chip(name)
    members = [m for m in vars(SimTarget) if not m.startswith("_")] + ["name", "stats"]
    assert all(hasattr(chip, m) for m in members)
    assert chip.swd_line_reset() == dpidr
    assert chip.dp_read(0x0) == dpidr
    probe = Probe(chip)
    assert probe.read32(0xE000ED00) == cpuid
    assert probe.read32(dbgmcu) == idcode
    assert probe.read16(size_reg) == kib
    assert probe.read32(0xE0002000) == fp_ctrl
    assert probe.read32(0xE0001000) >> 28 == 4  # DWT comparators
    assert chip.ap_read(0, 0xFC) == idr
    assert chip.ap_read(0, 0xF8) == base
    assert chip.ap_read(0, 0xF4) == 0  # CFG: little-endian, 32-bit
    assert chip.target_voltage() == pytest.approx(3.3)


def test_fpu_presence_registers() -> None:
    # OpenOCD's cortex_m.c compares MVFR0/1 to the FPv4-SP and FPv5-DP values.
    assert Probe(create_chip("stm32f103c8")).read32(0xE000EF40) == 0
    f4 = Probe(create_chip("stm32f407vg"))
    assert (f4.read32(0xE000EF40), f4.read32(0xE000EF44)) == (0x10110021, 0x11000011)
    h7 = Probe(create_chip("stm32h753xi"))
    assert (h7.read32(0xE000EF40), h7.read32(0xE000EF44)) == (0x10110221, 0x12000011)


def test_unique_id_is_readable() -> None:
    probe = Probe(create_chip("stm32f407vg"))
    uid = probe.read(0x1FFF7A10, 12)
    assert len(uid) == 12 and uid != b"\xff" * 12 and uid != bytes(12)


def walk_rom(probe: Probe, table: int, found: list[tuple[int, int, int]]) -> None:
    """Follow a ROM table like `dap info`: (address, CID class, part number) per component."""
    for index in range(960):
        entry = probe.read32(table + 4 * index)
        if entry == 0:
            return
        if not entry & 1:
            continue
        addr = (table + (entry & 0xFFFFF000)) & 0xFFFFFFFF
        cidr1 = probe.read32(addr + 0xFF4)
        pid = probe.read32(addr + 0xFE0) | (probe.read32(addr + 0xFE4) & 0xF) << 8
        cls = (cidr1 >> 4) & 0xF
        found.append((addr, cls, pid))
        if cls == 1:
            walk_rom(probe, addr, found)


def rom_components(name: str, ap: int = 0) -> list[tuple[int, int, int]]:
    chip = create_chip(name)
    probe = Probe(chip)
    base = chip.ap_read(ap, 0xF8) & 0xFFFFF000
    cid = [probe.read32(base + 0xFF0 + 4 * i) if ap == 0 else 0 for i in range(4)]
    if ap == 0:
        assert cid == [0x0D, 0x10, 0x05, 0xB1]  # class 1: ROM table
    found: list[tuple[int, int, int]] = []
    walk_rom(probe, base, found)
    return found


def test_f1_rom_table_lists_the_cortex_m3_components() -> None:
    found = rom_components("stm32f103c8")
    assert found == [
        (0xE000E000, 0xE, 0x000),  # SCS
        (0xE0001000, 0xE, 0x002),  # DWT
        (0xE0002000, 0xE, 0x003),  # FPB
        (0xE0000000, 0xE, 0x001),  # ITM
        (0xE0040000, 0x9, 0x923),  # TPIU-Lite
    ]


def test_h7_rom_tables_nest_the_cortex_m7_table() -> None:
    found = rom_components("stm32h753xi")
    assert (0xE00FF000, 0x1, 0x4C7) in found  # the Cortex-M7 PPB ROM table
    assert (0xE000E000, 0xE, 0x00C) in found
    assert (0xE0002000, 0xE, 0x00E) in found  # FPB-M7
    assert (0xE0043000, 0x9, 0x906) in found  # CTI


def test_rom_table_peripheral_id_names_st_and_the_part() -> None:
    probe = Probe(create_chip("stm32f407vg"))
    pidr = [probe.read32(0xE00FFFE0 + 4 * i) for i in range(4)]
    part = pidr[0] | (pidr[1] & 0xF) << 8
    designer = (pidr[1] >> 4) | (pidr[2] & 7) << 4
    assert (part, designer) == (0x413, 0x20)


def test_h7_access_ports() -> None:
    chip = create_chip("stm32h753xi")
    Probe(chip)
    assert [chip.ap_read(ap, 0xFC) for ap in range(4)] == [0x84770001, 0x84770001, 0x54770002, 0]
    # DBGMCU through the APB-AP, where OpenOCD's stm32h7x.cfg writes it (AP2, 0xE00E1000)
    assert chip.mem_read(2, 0xE00E1000, 4, 4) == (0x20036450).to_bytes(4, "little")
    chip.mem_write(2, 0xE00E4000, (3).to_bytes(4, "little"), 4)  # SWTF enable, as examine-end does
    assert chip.mem_read(2, 0xE00E4000, 4, 4) == (3).to_bytes(4, "little")
    # the D3 AHB-AP reaches system memory but not the core's private peripherals
    assert chip.mem_read(1, 0x5C001000, 4, 4) == (0x20036450).to_bytes(4, "little")
    with pytest.raises(Exception) as info:
        chip.mem_read(1, 0xE000ED00, 4, 4)
    assert getattr(info.value, "addr", None) == 0xE000ED00


def test_h7_dp_v2_banked_registers() -> None:
    chip = create_chip("stm32h753xi")
    chip.swd_line_reset()
    chip.dp_write(0x8, 0x2)  # DPBANKSEL 2: TARGETID
    assert chip.dp_read(0x4) == 0x04500041
    chip.dp_write(0x8, 0x3)  # DLPIDR
    assert chip.dp_read(0x4) & 0xF == 1


def test_unknown_chip_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="stm32f103c8"):
        create_chip("stm32f999")


def test_tpiu_reports_swo_support() -> None:
    # OpenOCD's `tpiu enable` checks DEVID for NRZ/UART before configuring SWO.
    probe = Probe(create_chip("stm32f103c8"))
    assert probe.read32(0xE0040FC8) == 0xCA1
    assert probe.read32(0xE0040000) == 0xF  # SSPSR: 1-4 bit ports
    probe.write32(0xE0040010, 3)  # ACPR
    assert probe.read32(0xE0040010) == 3

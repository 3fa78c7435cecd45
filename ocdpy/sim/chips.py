"""The table of virtual chips and `create_chip`, the entry point of the chip side.

    from ocdpy.sim.chips import create_chip, CHIP_NAMES
    chip = create_chip("stm32f103c8", faults=["rdp1"], state_path=None)

Identification values are what the silicon reports and what OpenOCD 0.12's drivers
expect: SW-DP DPIDR (stm32f1x.cfg / stm32f4x.cfg / stm32h7x.cfg `_CPUTAPID`), DBGMCU
IDCODE (RM0008 / RM0090 / RM0433 "MCU device ID code"; the revision halves are those
common parts carry: F103 rev X 0x2003, F407 rev 2 0x1007, H753 rev V 0x2003), flash
size register and unique ID addresses (reference manual "Device electronic
signature"), CPUID (Cortex-M3 r1p1, M4 r0p1, M7 r1p1), MVFR0/1 (the values
OpenOCD's cortex_m.c tests for FPv4-SP and FPv5-DP), FPB and DWT sizes (OpenOCD prints
"6 breakpoints, 4 watchpoints" on F1/F4 and "8 breakpoints, 4 watchpoints" on H7), the
MEM-AP IDRs and ROM table bases (a J-Link listing of each part: F1 AHB-AP 0x14770011,
F4 0x24770011, H7 AP0/AP1 AHB-AP 0x84770001 and AP2 APB-AP 0x54770002, ROM at
0xE00FF000 / 0xE00FE000).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ocdpy.errors import ConfigError
from ocdpy.sim.coresight import arm_pid, st_pid
from ocdpy.sim.dap import ApSpec

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip


@dataclass(frozen=True)
class ChipSpec:
    name: str
    family: str  # "f1", "f4", "h7"
    core: str  # key of ocdpy.sim.core.CORE_MODELS
    dpidr: int
    targetid: int  # DPv2 only
    idcode: int  # DBGMCU IDCODE
    flash_size: int
    flash_alias: bool  # flash also answers at address 0 (boot from main flash)
    flash_size_reg: int
    uid_addr: int
    uid: bytes
    rams: tuple[tuple[str, int, int], ...]
    windows: tuple[tuple[int, int], ...]  # decoded peripheral windows (base, size)
    gpio: tuple[tuple[str, int], ...]
    rcc_base: int
    gpio_clock: tuple[int, int]  # RCC enable register offset, bit of port A
    sysmem: tuple[int, int]
    dbgmcu_addr: int
    cpuid: int
    ictr: int
    ccr_reset: int
    vtor_mask: int
    mvfr: tuple[int, int, int]
    fpb: tuple[int, int, int]  # code comparators, literal comparators, revision
    dwt_comparators: int
    pids: dict[str, int]
    aps: dict[int, ApSpec]
    rom_base: int
    page_size: int = 0  # F1 pages
    pages_per_wrp: int = 0
    bitband: bool = False
    id_regs: dict[int, int] = field(default_factory=dict)
    syst_calib: int = 0


_M3_PIDS = {"scs": arm_pid(0x001BB000), "dwt": arm_pid(0x001BB002), "fpb": arm_pid(0x000BB003),
            "itm": arm_pid(0x001BB001), "tpiu": arm_pid(0x001BB923)}
_M4_PIDS = {"scs": arm_pid(0x000BB00C), "dwt": arm_pid(0x003BB002), "fpb": arm_pid(0x002BB003),
            "itm": arm_pid(0x003BB001), "tpiu": arm_pid(0x000BB9A1), "etm": arm_pid(0x000BB925)}
_M7_PIDS = {"scs": arm_pid(0x000BB00C), "dwt": arm_pid(0x000BB002), "fpb": arm_pid(0x000BB00E),
            "itm": arm_pid(0x000BB001), "etm": arm_pid(0x001BB975), "cti": arm_pid(0x004BB906),
            "m7rom": arm_pid(0x000BB4C7), "swo": arm_pid(0x000BB914), "swtf": arm_pid(0x000BB908),
            "tpiu": arm_pid(0x000BB912)}

_M3_ID_REGS = {0xD40: 0x00000030, 0xD44: 0x00000200, 0xD48: 0x00100000, 0xD4C: 0,
               0xD50: 0x00100030, 0xD54: 0, 0xD58: 0x01000000, 0xD5C: 0,
               0xD60: 0x01141110, 0xD64: 0x02111000, 0xD68: 0x21112231, 0xD6C: 0x01111110,
               0xD70: 0x01310132}
_M4_ID_REGS = {**_M3_ID_REGS, 0xD60: 0x01101110, 0xD6C: 0x01111110}
_M7_ID_REGS = {**_M4_ID_REGS, 0xD78: 0x09000003, 0xD7C: 0x8303C003, 0xD80: 0xF003E019}


def _f103(name: str, flash_kb: int, uid: bytes) -> ChipSpec:
    return ChipSpec(
        name=name, family="f1", core="cortex-m3",
        dpidr=0x1BA01477, targetid=0, idcode=0x20036410,
        flash_size=flash_kb * 1024, flash_alias=True,
        flash_size_reg=0x1FFFF7E0, uid_addr=0x1FFFF7E8, uid=uid,
        rams=(("SRAM", 0x20000000, 20 * 1024),),
        windows=((0x40000000, 0x24000),),
        gpio=(("A", 0x40010800), ("B", 0x40010C00), ("C", 0x40011000), ("D", 0x40011400),
              ("E", 0x40011800)),
        rcc_base=0x40021000, gpio_clock=(0x18, 2),
        sysmem=(0x1FFFF000, 0x800), dbgmcu_addr=0xE0042000,
        cpuid=0x411FC231, ictr=0x1, ccr_reset=0x00000000, vtor_mask=0x3FFFFF80,
        mvfr=(0, 0, 0), fpb=(6, 2, 0), dwt_comparators=4, pids=_M3_PIDS,
        aps={0: ApSpec(0x14770011, 0xE00FF003, 0x03000040, 4096, "ahb")},
        rom_base=0xE00FF000, page_size=1024, pages_per_wrp=4, bitband=True,
        id_regs=_M3_ID_REGS, syst_calib=0x00002328,
    )


CHIPS: dict[str, ChipSpec] = {
    "stm32f103c8": _f103("stm32f103c8", 64, bytes.fromhex("ff06543930355043 43143323")),
    "stm32f103cb": _f103("stm32f103cb", 128, bytes.fromhex("ff06543930355043 43153126")),
    "stm32f407vg": ChipSpec(
        name="stm32f407vg", family="f4", core="cortex-m4",
        dpidr=0x2BA01477, targetid=0, idcode=0x10076413,
        flash_size=1024 * 1024, flash_alias=True,
        flash_size_reg=0x1FFF7A22, uid_addr=0x1FFF7A10,
        uid=bytes.fromhex("3a0035000b47333036373435"),
        rams=(("SRAM", 0x20000000, 128 * 1024), ("CCMRAM", 0x10000000, 64 * 1024)),
        windows=((0x40000000, 0x80000), (0x50000000, 0x61000), (0xA0000000, 0x1000)),
        gpio=tuple((chr(ord("A") + i), 0x40020000 + 0x400 * i) for i in range(9)),
        rcc_base=0x40023800, gpio_clock=(0x30, 0),
        sysmem=(0x1FFF0000, 0x7800), dbgmcu_addr=0xE0042000,
        cpuid=0x410FC241, ictr=0x2, ccr_reset=0x00000200, vtor_mask=0xFFFFFF80,
        mvfr=(0x10110021, 0x11000011, 0), fpb=(6, 2, 0), dwt_comparators=4, pids=_M4_PIDS,
        aps={0: ApSpec(0x24770011, 0xE00FF003, 0x03000040, 4096, "ahb")},
        rom_base=0xE00FF000, bitband=True, id_regs=_M4_ID_REGS, syst_calib=0x40003E80,
    ),
    "stm32h753xi": ChipSpec(
        name="stm32h753xi", family="h7", core="cortex-m7",
        dpidr=0x6BA02477, targetid=0x04500041, idcode=0x20036450,
        flash_size=2 * 1024 * 1024, flash_alias=False,
        flash_size_reg=0x1FF1E880, uid_addr=0x1FF1E800,
        uid=bytes.fromhex("2c001d000c51383031373633"),
        rams=(("ITCM", 0x00000000, 64 * 1024), ("DTCM", 0x20000000, 128 * 1024),
              ("AXISRAM", 0x24000000, 512 * 1024), ("SRAM123", 0x30000000, 288 * 1024),
              ("SRAM4", 0x38000000, 64 * 1024), ("BKPSRAM", 0x38800000, 4 * 1024)),
        windows=((0x40000000, 0x80000), (0x48020000, 0x3000), (0x50000000, 0x4000),
                 (0x51000000, 0x1009000), (0x58000000, 0x27000), (0x5C000000, 0x10000)),
        gpio=tuple((chr(ord("A") + i), 0x58020000 + 0x400 * i) for i in range(11)),
        rcc_base=0x58024400, gpio_clock=(0xE0, 0),
        sysmem=(0x1FF00000, 0x20000), dbgmcu_addr=0x5C001000,
        cpuid=0x411FC271, ictr=0x4, ccr_reset=0x00040200, vtor_mask=0xFFFFFF80,
        mvfr=(0x10110221, 0x12000011, 0x00000040), fpb=(8, 0, 1), dwt_comparators=4,
        pids=_M7_PIDS,
        aps={0: ApSpec(0x84770001, 0xE00FE003, 0x03000040, 1024, "ahb"),
             1: ApSpec(0x84770001, 0x00000002, 0x03000040, 1024, "d3"),
             2: ApSpec(0x54770002, 0xE00E0003, 0x00000040, 1024, "apbd")},
        rom_base=0xE00FE000, id_regs=_M7_ID_REGS, syst_calib=0x40000000,
    ),
}

CHIP_NAMES: tuple[str, ...] = tuple(CHIPS)
ST_ROM_PIDS = {name: st_pid(spec.idcode & 0xFFF) for name, spec in CHIPS.items()}


def get_spec(name: str) -> ChipSpec:
    spec = CHIPS.get(name.lower())
    if spec is None:
        raise ConfigError(f"unknown chip '{name}'; available chips: {', '.join(CHIP_NAMES)}")
    return spec


def create_chip(
    name: str,
    faults: Mapping[str, object] | Iterable[str] | None = None,
    state_path: str | None = None,
) -> SimChip:
    """Build a powered-on virtual chip (the chip module, and Unicorn, load only here).

    `faults`: chip fault switches (see ocdpy.sim.faults). `state_path`: a state file to
    load if it exists (flash, option bytes); `chip.save_state()` writes it back.
    Raises ConfigError for an unknown chip or fault, or an unreadable state file.
    """
    from ocdpy.sim.chip import SimChip
    from ocdpy.sim.faults import parse_faults

    return SimChip(get_spec(name), parse_faults(faults), state_path)


def _fault_names() -> tuple[str, ...]:
    from ocdpy.sim.faults import CHIP_FAULT_NAMES

    return CHIP_FAULT_NAMES


FAULT_NAMES: tuple[str, ...] = _fault_names()

"""Driving a virtual chip the way a probe does: MEM-AP memory commands on AP0, halting
debug through DHCSR/DCRSR/DCRDR, resets through AIRCR and NRST."""

from __future__ import annotations

import struct
import subprocess
import tempfile
from pathlib import Path

from ocdpy.sim.chips import create_chip
from tests import oracles

ROOT = Path(__file__).resolve().parents[3]
FIRMWARE = ROOT / "contrib" / "firmware"
BLINKY = {"stm32f103c8": "blinky-f103.bin", "stm32f103cb": "blinky-f103.bin",
          "stm32f407vg": "blinky-f407.bin", "stm32h753xi": "blinky-h753.bin"}
LED = {"stm32f103c8": ("C", 13), "stm32f103cb": ("C", 13), "stm32f407vg": ("D", 12),
       "stm32h753xi": ("B", 0)}

DHCSR, DCRSR, DCRDR, DEMCR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC
AIRCR, DFSR, CFSR, HFSR = 0xE000ED0C, 0xE000ED30, 0xE000ED28, 0xE000ED2C
FP_CTRL, FP_COMP0 = 0xE0002000, 0xE0002008
DWT_COMP0, DWT_MASK0, DWT_FUNCTION0 = 0xE0001020, 0xE0001024, 0xE0001028
DBGKEY = 0xA05F0000
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS = 1, 2, 4, 8
S_REGRDY, S_HALT, S_LOCKUP, S_RETIRE_ST, S_RESET_ST = 1 << 16, 1 << 17, 1 << 19, 1 << 24, 1 << 25
VC_CORERESET = 1
SEL_PC, SEL_XPSR, SEL_MSP, SEL_PSP, SEL_SPECIAL = 15, 16, 17, 18, 20


class Probe:
    """What a debug probe does to a chip, in plain calls (AP0, 32-bit accesses)."""

    def __init__(self, chip: object) -> None:
        self.chip = chip
        chip.swd_line_reset()
        chip.dp_write(0x4, 0x50000000)  # CSYSPWRUPREQ | CDBGPWRUPREQ

    def read32(self, addr: int) -> int:
        return struct.unpack("<I", self.chip.mem_read(0, addr, 4, 4))[0]

    def write32(self, addr: int, value: int) -> None:
        self.chip.mem_write(0, addr, struct.pack("<I", value & 0xFFFFFFFF), 4)

    def read16(self, addr: int) -> int:
        return struct.unpack("<H", self.chip.mem_read(0, addr, 2, 2))[0]

    def write16(self, addr: int, value: int) -> None:
        self.chip.mem_write(0, addr, struct.pack("<H", value & 0xFFFF), 2)

    def read(self, addr: int, size: int) -> bytes:
        return self.chip.mem_read(0, addr, size, 4)

    def write(self, addr: int, data: bytes) -> None:
        self.chip.mem_write(0, addr, data, 4)

    def halt(self) -> None:
        self.write32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT)

    def resume(self) -> None:
        self.write32(DHCSR, DBGKEY | C_DEBUGEN)

    def step(self) -> None:
        self.write32(DHCSR, DBGKEY | C_DEBUGEN | C_STEP)

    def halted(self) -> bool:
        return bool(self.read32(DHCSR) & S_HALT)

    def reg(self, sel: int) -> int:
        self.write32(DCRSR, sel)
        assert self.read32(DHCSR) & S_REGRDY
        return self.read32(DCRDR)

    def set_reg(self, sel: int, value: int) -> None:
        self.write32(DCRDR, value)
        self.write32(DCRSR, sel | 1 << 16)

    def reset_halt(self) -> None:
        self.write32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT)
        self.write32(DEMCR, VC_CORERESET)
        self.write32(AIRCR, 0x05FA0004)

    def reset_run(self) -> None:
        self.write32(DEMCR, 0)
        self.write32(AIRCR, 0x05FA0004)


def chip_with(name: str, image: bytes, faults: object = None) -> object:
    """A chip whose flash holds `image` at 0x08000000, freshly powered on."""
    chip = create_chip(name, faults=faults)
    load_flash(chip, image)
    return chip


def load_flash(chip: object, image: bytes, offset: int = 0) -> None:
    chip.flash.write(offset, image)
    chip.flash_changed(chip.flash.base + offset, len(image))
    chip.power_on()


def blinky(name: str) -> bytes:
    return (FIRMWARE / BLINKY[name]).read_bytes()


def thumb(*halfwords: int) -> bytes:
    return b"".join(struct.pack("<H", h) for h in halfwords)


def vector_image(sp: int, code: bytes, code_offset: int = 0x40, handler: int | None = None) -> bytes:
    """A minimal flash image: SP, reset vector to `code` at `code_offset`, HardFault vector."""
    image = bytearray(b"\xff" * code_offset)
    reset = 0x08000000 + code_offset
    image[0:8] = struct.pack("<II", sp, reset | 1)
    if handler is not None:
        image[12:16] = struct.pack("<I", handler | 1)
    image += code
    return bytes(image)


def symbols(elf_name: str) -> dict[str, int]:
    """Symbol values of a firmware ELF in contrib/firmware."""
    from elftools.elf.elffile import ELFFile

    with (FIRMWARE / elf_name).open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return {sym.name: sym["st_value"] for sym in table.iter_symbols() if sym.name}


def assemble(source: str, cpu: str = "cortex-m3") -> bytes:
    """Thumb machine code for `source` (needs arm-none-eabi-as and -objcopy)."""
    asm = oracles.need("arm-none-eabi-as")
    objcopy = oracles.need("arm-none-eabi-objcopy")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "code.s"
        obj = Path(tmp) / "code.o"
        out = Path(tmp) / "code.bin"
        src.write_text(".syntax unified\n.thumb\n" + source + "\n")
        subprocess.run([asm, f"-mcpu={cpu}", "-mthumb", "-o", str(obj), str(src)], check=True,
                       capture_output=True, timeout=30)
        subprocess.run([objcopy, "-O", "binary", str(obj), str(out)], check=True,
                       capture_output=True, timeout=30)
        return out.read_bytes()

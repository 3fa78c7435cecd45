"""How fast the virtual chips run, without a probe in the way; prints JSON.

    python3 -m ocdpy.sim.speed [--quick]

Figures: a blinky running between probe commands (1 ms of modeled time per advance,
as a probe's USB round trips give it), a flash loader programming main flash from
SRAM while polling BSY (modeled seconds against the datasheet floor, and wall
seconds), and debugger memory throughput through the MEM-AP (SRAM read and write).
The loaders are tiny Thumb programs of this module (sources below), not OpenOCD's.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
from pathlib import Path

from ocdpy.sim.chips import create_chip

# r0 flash registers, r1 source, r2 destination, r3 count; ends with BKPT, r0 = status.
# F1 (half-words): unlock KEYR, CR=PG; loop { ldrh/strh; poll SR.BSY; check PGERR|WRPRTERR }.
F1_LOADER = bytes.fromhex(
    "0a4c44600a4c44600124046131f8024b22f8024bc56815f0010ffbd115f0140f01d1013bf2d12846"
    "00be000023016745ab89efcd"
)
# F4 (half-words, x16): unlock; loop { CR=PG|PSIZE16; ldrh/strh; poll BSY; check errors }.
F4_LOADER = bytes.fromhex(
    "0a4c44600a4c446040f20114046131f8024b22f8024bc56815f4803ffbd115f0f00f01d1013befd1"
    "284600be23016745ab89efcd"
)
# H7 (32-byte flash words): unlock; CR=PG; loop { copy 8 words; poll QW }.
H7_LOADER = bytes.fromhex(
    "0a4c44600a4c44600224c460082651f8044b42f8044b013ef9d1056915f0040ffbd1013bf2d12846"
    "00be000023016745ab89efcd"
)

DHCSR, DCRSR, DCRDR, DEMCR, AIRCR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC, 0xE000ED0C

LOADERS = {
    # chip: (code, flash regs, unit bytes, datasheet seconds per unit, chunk bytes)
    "stm32f103c8": (F1_LOADER, 0x40022000, 2, 52.5e-6, 8192),
    "stm32f407vg": (F4_LOADER, 0x40023C00, 2, 16e-6, 32768),
    "stm32h753xi": (H7_LOADER, 0x52002000, 32, 290e-6, 65536),
}
BLINKY = {"stm32f103c8": "blinky-f103.bin", "stm32f407vg": "blinky-f407.bin",
          "stm32h753xi": "blinky-h753.bin"}


class _Debugger:
    def __init__(self, chip: object) -> None:
        self.chip = chip
        chip.swd_line_reset()

    def w32(self, addr: int, value: int) -> None:
        self.chip.mem_write(0, addr, struct.pack("<I", value), 4)

    def r32(self, addr: int) -> int:
        return struct.unpack("<I", self.chip.mem_read(0, addr, 4, 4))[0]

    def reset_halt(self) -> None:
        self.w32(DHCSR, 0xA05F0003)
        self.w32(DEMCR, 1)
        self.w32(AIRCR, 0x05FA0004)
        self.w32(DEMCR, 0)

    def set_reg(self, sel: int, value: int) -> None:
        self.w32(DCRDR, value)
        self.w32(DCRSR, sel | 1 << 16)

    def run_until_halt(self, step: float = 1e-3) -> None:
        self.w32(DHCSR, 0xA05F0001)
        while not self.r32(DHCSR) & (1 << 17):
            self.chip.advance(step)


def blinky_rate(name: str, modeled: float) -> dict[str, object]:
    root = Path(__file__).resolve().parents[2] / "contrib" / "firmware" / BLINKY[name]
    chip = create_chip(name)
    if root.exists():
        chip.flash.write(0, root.read_bytes())
        chip.flash_changed(chip.flash.base, chip.flash.size)
        chip.power_on()
    steps = int(modeled / 1e-3)
    start = time.perf_counter()
    for _ in range(steps):
        chip.advance(1e-3)
    wall = time.perf_counter() - start
    return {"modeled_s": modeled, "wall_s": round(wall, 4), "x_real_time": round(modeled / wall, 1),
            "instructions": chip.stats.get("core_instructions"), "gpio_toggles": chip.stats.get("gpio_toggles")}


def loader_rate(name: str, size: int) -> dict[str, object]:
    code, regs, unit, per_unit, chunk = LOADERS[name]
    chip = create_chip(name)
    dbg = _Debugger(chip)
    dbg.reset_halt()
    source = 0x20000000 + 0x400
    data = bytes((i * 31 + (i >> 8)) & 0xFF for i in range(size))
    wall = 0.0
    modeled = 0.0
    for offset in range(0, size, chunk):
        block = data[offset : offset + chunk]
        chip.mem_write(0, 0x20000000, code, 4)
        chip.mem_write(0, source, block, 4)
        for sel, value in ((0, regs), (1, source), (2, 0x08000000 + offset), (3, len(block) // unit),
                           (15, 0x20000000), (16, 0x01000000)):
            dbg.set_reg(sel, value)
        t0, c0 = time.perf_counter(), chip.stats.clock.now
        dbg.run_until_halt()
        wall += time.perf_counter() - t0
        modeled += chip.stats.clock.now - c0
    ok = chip.flash_bytes(0, size) == data
    floor = size // unit * per_unit
    return {"bytes": size, "verified": ok, "modeled_s": round(modeled, 4), "floor_s": round(floor, 4),
            "over_floor_pct": round(100 * (modeled / floor - 1), 2), "wall_s": round(wall, 3),
            "wall_kib_per_s": round(size / 1024 / wall, 1)}


def memory_rate(name: str, total: int) -> dict[str, object]:
    chip = create_chip(name)
    chip.swd_line_reset()
    block = bytes(range(256)) * 4
    start = time.perf_counter()
    for offset in range(0, total, 1024):
        chip.mem_write(0, 0x20000000 + offset % 0x4000, block, 4)
    write = time.perf_counter() - start
    start = time.perf_counter()
    for offset in range(0, total, 1024):
        chip.mem_read(0, 0x20000000 + offset % 0x4000, 1024, 4)
    read = time.perf_counter() - start
    return {"bytes": total, "write_mib_per_s": round(total / 2**20 / write, 1),
            "read_mib_per_s": round(total / 2**20 / read, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m ocdpy.sim.speed", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    modeled = 0.1 if args.quick else 1.0
    sizes = {"stm32f103c8": 65536, "stm32f407vg": 1 << 20, "stm32h753xi": 1 << 20}
    if args.quick:
        sizes = {name: 16384 for name in sizes}
    out: dict[str, object] = {}
    for name in LOADERS:
        out[name] = {
            "blinky": blinky_rate(name, modeled),
            "flash_loader": loader_rate(name, sizes[name]),
            "debug_memory": memory_rate(name, (1 << 20) if not args.quick else (1 << 18)),
        }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

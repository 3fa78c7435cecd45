"""Flash banks: what `flash bank` declares, and the probed layout a driver fills in.

A `FlashBank` is one contiguous flash region with its sectors (the erase unit) and,
where the part protects in bigger groups, protection blocks. Its `driver` (a
`FlashDriver`, ocdpy.flash.drivers) knows the controller: probe, erase, write,
protection and the part-specific commands. Domain code only: no printing.

    bank = FlashBank(BankDecl("stm32f1x.flash", "stm32f1x", 0x08000000, 0, 0, 0,
                              "stm32f1x.cpu", []), target, number=0)
    bank.auto_probe()
    bank.sectors[0].offset, bank.sectors[0].size
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ocdpy.errors import CommandError, FlashError

if TYPE_CHECKING:
    from ocdpy.flash.drivers.base import FlashDriver
    from ocdpy.flash.target_api import FlashTarget

UNKNOWN = -1


@dataclass
class Sector:
    """An erase unit (or a protection block) at `offset` bytes into the bank."""

    offset: int
    size: int
    is_erased: int = UNKNOWN  # 1 erased, 0 not, -1 unknown
    is_protected: int = UNKNOWN  # 1 protected, 0 not, -1 unknown

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass
class BankDecl:
    """A `flash bank name driver base size chip_width bus_width target [options...]` line."""

    name: str
    driver: str
    base: int
    size: int
    chip_width: int
    bus_width: int
    target: str
    options: list[str] = field(default_factory=list)


def sector_array(count: int, size: int, start: int = 0) -> list[Sector]:
    return [Sector(start + i * size, size) for i in range(count)]


class FlashBank:
    """One declared flash bank, its driver and its (probed) geometry."""

    def __init__(self, decl: BankDecl, target: FlashTarget | None, number: int) -> None:
        from ocdpy.flash.drivers import driver_class

        self.decl = decl
        self.name = decl.name
        self.number = number
        self.target = target
        self.base = decl.base
        self.size = decl.size
        self.user_size = decl.size  # non-zero: the user's size wins over the probed one
        self.chip_width = decl.chip_width
        self.bus_width = decl.bus_width
        self.sectors: list[Sector] = []
        self.prot_blocks: list[Sector] = []
        self.default_padded_value = 0xFF
        self.erased_value = 0xFF
        self.write_start_alignment = 0
        self.write_end_alignment = 0
        self.minimal_write_gap = "sector"  # or a number of bytes, or 0 (continuous)
        self.probed = False
        self.driver: FlashDriver = driver_class(decl.driver)(self, list(decl.options))

    def __repr__(self) -> str:
        return f"FlashBank(#{self.number} {self.name} {self.driver.name} 0x{self.base:08x}+0x{self.size:x})"

    # geometry -------------------------------------------------------------------

    @property
    def end(self) -> int:
        return self.base + self.size

    def contains(self, address: int) -> bool:
        return self.base <= address < self.base + self.size

    def sector_index(self, offset: int) -> int:
        """Index of the sector holding bank offset `offset` (FlashError if none)."""
        for i, s in enumerate(self.sectors):
            if s.offset <= offset < s.end:
                return i
        raise FlashError(f"offset 0x{offset:08x} is outside flash bank #{self.number} ({self.name})")

    def sectors_for(self, offset: int, length: int) -> range:
        """Indices of the sectors that bytes [offset, offset+length) touch."""
        if length <= 0:
            return range(0)
        return range(self.sector_index(offset), self.sector_index(offset + length - 1) + 1)

    def align_start(self, address: int) -> int:
        """OpenOCD's flash_write_align_start."""
        a = self.write_start_alignment
        if not self.contains(address) or a <= 1:
            return address
        if a == "sector":
            return self.base + self.sectors[self.sector_index(address - self.base)].offset
        return address & ~(a - 1)

    def align_end(self, address: int) -> int:
        """OpenOCD's flash_write_align_end: the last byte of the aligned block."""
        a = self.write_end_alignment
        if not self.contains(address) or a <= 1:
            return address
        if a == "sector":
            return self.base + self.sectors[self.sector_index(address - self.base)].end - 1
        return address | (a - 1)

    def gap_ends_run(self, last: int, next_start: int) -> bool:
        """OpenOCD's flash_write_check_gap: a gap this big splits a write in two."""
        gap = self.minimal_write_gap
        if gap == 0 or not (self.contains(last) and self.contains(next_start)):
            return False
        if gap == "sector":
            off1 = last - self.base
            following = [s for s in self.sectors if s.offset > off1]
            if not following:
                return False
            return following[0].end <= next_start - self.base
        return self.align_end(last) + gap < self.align_start(next_start)

    # operations (delegated) ------------------------------------------------------------

    def require_target(self) -> FlashTarget:
        if self.target is None:
            raise FlashError(f"flash bank {self.name}: its target is not available (run init first)")
        return self.target

    def probe(self) -> None:
        self.probed = False
        self.driver.probe()
        self.probed = True

    def auto_probe(self) -> None:
        if not self.probed:
            self.probe()

    def check_sector_range(self, first: int, last: int, blocks: bool = False) -> None:
        count = len(self.prot_blocks) if blocks and self.prot_blocks else len(self.sectors)
        what = "block" if blocks and self.prot_blocks else "sector"
        if first > last:
            raise CommandError(f"first {what} must be <= last")
        if last > count - 1:
            raise CommandError(f"last {what} must be <= {count - 1}")

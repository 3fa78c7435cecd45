"""Target working areas: a first-fit allocator over the RAM block a target config
gives with `-work-area-phys/-work-area-size/-work-area-backup`.

Flash loaders, checksum and blank-check algorithms borrow pieces of it. With backup
on, the RAM under an area is saved when it is allocated and put back when it is
freed, so the application's RAM survives the debugger's use of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ocdpy import log
from ocdpy.errors import TargetError


class Memory(Protocol):
    def read_memory(self, address: int, size: int, width: int = 4) -> bytes: ...
    def write_memory(self, address: int, data: bytes, width: int = 4) -> None: ...


@dataclass
class WorkingArea:
    address: int
    size: int
    free: bool = True
    backup: bytes | None = None


class WorkAreaAllocator:
    """Allocates `WorkingArea`s inside [base, base + size)."""

    def __init__(self, base: int, size: int, backup: bool = False, mem: Memory | None = None) -> None:
        if backup and mem is None:
            raise TargetError("a work area with backup needs target memory to save it to")
        self.base = base
        self.size = size
        self.backup = backup
        self.mem = mem
        self.areas: list[WorkingArea] = [WorkingArea(base, size)] if size > 0 else []

    def alloc(self, size: int) -> WorkingArea:
        """An area of at least `size` bytes (rounded up to 4), word aligned."""
        need = (size + 3) & ~3
        for index, area in enumerate(self.areas):
            if not area.free or area.size < need:
                continue
            if area.size > need:  # split: the rest stays free
                self.areas.insert(index + 1, WorkingArea(area.address + need, area.size - need))
                area.size = need
            area.free = False
            if self.backup and self.mem is not None:
                area.backup = self.mem.read_memory(area.address, area.size, 4)
            return area
        log.warning(f"not enough working area available(requested {need})")
        raise TargetError(f"not enough working area available (requested {need} bytes, largest free "
                          f"block {self.available()}): give the target a bigger -work-area-size")

    def free(self, area: WorkingArea) -> None:
        if area.free:
            return
        if area.backup is not None and self.mem is not None:
            self.mem.write_memory(area.address, area.backup, 4)
            area.backup = None
        area.free = True
        merged: list[WorkingArea] = []
        for a in self.areas:  # join neighbouring free areas again
            if merged and merged[-1].free and a.free and merged[-1].address + merged[-1].size == a.address:
                merged[-1].size += a.size
            else:
                merged.append(a)
        self.areas = merged

    def free_all(self) -> None:
        for area in [a for a in self.areas if not a.free]:
            self.free(area)

    def available(self) -> int:
        """The largest free area, in bytes."""
        return max((a.size for a in self.areas if a.free), default=0)

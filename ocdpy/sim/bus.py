"""Address decoding: which memory or device answers an access, as seen by one bus master.

A `BusView` is the memory map one master sees (the core, or a MEM-AP); each `Region`
answers reads and writes of a given width. An address no region claims is unmapped and
the access faults, as on silicon (AHB error response -> BusFault / AP sticky error).
Reserved holes *inside* a decoded peripheral window are claimed by that window's device
and read as zero, which is what STM32 bus bridges do for unused peripheral slots.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.port import SimBusFault
from ocdpy.sim.regfile import Peripheral


class BusFault(SimBusFault):
    """A SimBusFault that also carries the bytes read before the faulting address."""

    def __init__(self, addr: int, message: str = "", data: bytes = b"") -> None:
        super().__init__(addr, message)
        self.data = data


class Region:
    """Base: `size` bytes at `base`; subclasses implement read/write at an offset."""

    def __init__(self, name: str, base: int, size: int) -> None:
        self.name = name
        self.base = base
        self.size = size

    def read(self, offset: int, length: int, width: int) -> bytes:
        raise NotImplementedError

    def write(self, offset: int, data: bytes, width: int) -> None:
        raise NotImplementedError


class RamRegion(Region):
    """Plain memory; `on_write(addr, length)` lets the owner invalidate cached code."""

    def __init__(
        self,
        block: MemoryBlock,
        base: int | None = None,
        on_write: Callable[[int, int], None] | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(block.name, block.base if base is None else base, block.size)
        self.block = block
        self.on_write = on_write
        self.read_only = read_only

    def read(self, offset: int, length: int, width: int) -> bytes:
        return self.block.read(offset, length)

    def write(self, offset: int, data: bytes, width: int) -> None:
        if self.read_only:
            raise BusFault(self.base + offset, f"write to read-only {self.name}")
        self.block.write(offset, data)
        if self.on_write:
            self.on_write(self.base + offset, len(data))


class DeviceRegion(Region):
    """A peripheral: each access goes to the device at its natural width."""

    def __init__(self, device: Peripheral, base: int, size: int | None = None) -> None:
        super().__init__(device.name, base, device.size if size is None else size)
        self.device = device

    def read(self, offset: int, length: int, width: int) -> bytes:
        out = bytearray()
        for off, size in _accesses(offset, length, width):
            out += self.device.read(off, size).to_bytes(size, "little")
        return bytes(out)

    def write(self, offset: int, data: bytes, width: int) -> None:
        pos = 0
        for off, size in _accesses(offset, len(data), width):
            self.device.write(off, size, int.from_bytes(data[pos : pos + size], "little"))
            pos += size


class CallbackRegion(Region):
    """Accesses handed to owner callbacks `read(addr, length, width)` / `write(addr, data, width)`."""

    def __init__(
        self,
        name: str,
        base: int,
        size: int,
        read: Callable[[int, int, int], bytes],
        write: Callable[[int, bytes, int], None],
    ) -> None:
        super().__init__(name, base, size)
        self._read = read
        self._write = write

    def read(self, offset: int, length: int, width: int) -> bytes:
        return self._read(self.base + offset, length, width)

    def write(self, offset: int, data: bytes, width: int) -> None:
        self._write(self.base + offset, data, width)


def _accesses(offset: int, length: int, width: int) -> list[tuple[int, int]]:
    """Split a transfer into aligned accesses of at most `width` bytes."""
    out = []
    end = offset + length
    while offset < end:
        size = width
        while size > 1 and (offset % size or offset + size > end):
            size //= 2
        out.append((offset, size))
        offset += size
    return out


class BusView:
    """The memory map one bus master sees."""

    def __init__(self, name: str, regions: list[Region] | None = None) -> None:
        self.name = name
        self.regions: list[Region] = []
        self._bases: list[int] = []
        for region in regions or []:
            self.add(region)

    def add(self, region: Region) -> None:
        index = bisect.bisect(self._bases, region.base)
        self.regions.insert(index, region)
        self._bases.insert(index, region.base)

    def find(self, addr: int) -> Region | None:
        index = bisect.bisect(self._bases, addr) - 1
        if index >= 0:
            region = self.regions[index]
            if addr < region.base + region.size:
                return region
        return None

    def read(self, addr: int, length: int, width: int = 4) -> bytes:
        out = bytearray()
        while length > 0:
            region = self.find(addr)
            if region is None:
                raise BusFault(addr, f"{self.name}: no memory at {addr:#010x}", bytes(out))
            chunk = min(length, region.base + region.size - addr)
            try:
                out += region.read(addr - region.base, chunk, width)
            except BusFault as exc:
                raise BusFault(exc.addr, str(exc), bytes(out) + exc.data) from None
            addr += chunk
            length -= chunk
        return bytes(out)

    def write(self, addr: int, data: bytes, width: int = 4) -> None:
        pos = 0
        while pos < len(data):
            region = self.find(addr)
            if region is None:
                raise BusFault(addr, f"{self.name}: no memory at {addr:#010x}")
            chunk = min(len(data) - pos, region.base + region.size - addr)
            region.write(addr - region.base, data[pos : pos + chunk], width)
            addr += chunk
            pos += chunk

    def read_u32(self, addr: int) -> int:
        return int.from_bytes(self.read(addr, 4, 4), "little")

    def write_u32(self, addr: int, value: int) -> None:
        self.write(addr, (value & 0xFFFFFFFF).to_bytes(4, "little"), 4)

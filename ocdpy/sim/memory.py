"""Byte arrays behind the virtual chip's memories (SRAM, flash, OTP).

Each block is a ctypes buffer so Unicorn can map it directly (`mem_map_ptr`): the core
executes from and writes to the same bytes the debugger reads, with no copies.
"""

from __future__ import annotations

import ctypes


class MemoryBlock:
    """`size` bytes at `base`, initially filled with `fill`."""

    def __init__(self, name: str, base: int, size: int, fill: int = 0) -> None:
        self.name = name
        self.base = base
        self.size = size
        self.buf = ctypes.create_string_buffer(bytes([fill]) * size, size)
        self.address = ctypes.addressof(self.buf)
        self.view = memoryview(self.buf).cast("B")  # slicing it is the cheapest access

    @property
    def end(self) -> int:
        return self.base + self.size

    def contains(self, addr: int, length: int = 1) -> bool:
        return self.base <= addr and addr + length <= self.end

    def read(self, offset: int, length: int) -> bytes:
        return bytes(self.view[offset : offset + length])

    def write(self, offset: int, data: bytes) -> None:
        self.view[offset : offset + len(data)] = data

    def read_u32(self, offset: int) -> int:
        return int.from_bytes(self.read(offset, 4), "little")

    def fill(self, offset: int, length: int, value: int) -> None:
        ctypes.memset(self.address + offset, value, length)

    def is_filled(self, offset: int, length: int, value: int) -> bool:
        return self.read(offset, length) == bytes([value]) * length

    def snapshot(self) -> bytes:
        return self.read(0, self.size)

    def restore(self, data: bytes) -> None:
        if len(data) != self.size:
            raise ValueError(f"{self.name}: {len(data)} bytes given for {self.size}")
        self.write(0, data)

"""Memory-mapped peripheral basics: 32-bit registers reached by 8/16/32-bit accesses.

A `Peripheral` answers reads and writes at offsets from its base. Sub-word accesses
are turned into a register read, or a register write with a byte-lane mask, so each
device only deals in whole 32-bit registers. `RegisterFile` is a peripheral whose
registers just hold what was written (under a write mask), for the many blocks a
debugger or firmware pokes at without the sim needing to act on them.
"""

from __future__ import annotations

LANE_MASK = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF}


class Peripheral:
    """Base of memory-mapped devices. Subclasses override read_reg / write_reg."""

    name = "peripheral"
    size = 0x400

    def read_reg(self, offset: int) -> int:
        return 0

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        pass

    def reset(self) -> None:
        pass

    def read(self, offset: int, size: int) -> int:
        shift = (offset & 3) * 8
        return (self.read_reg(offset & ~3) >> shift) & LANE_MASK[size]

    def write(self, offset: int, size: int, value: int) -> None:
        shift = (offset & 3) * 8
        mask = LANE_MASK[size] << shift
        self.write_reg(offset & ~3, (value << shift) & mask, mask)


class RegisterFile(Peripheral):
    """Registers with reset values and writable-bit masks; unlisted offsets read 0.

    `regs` maps offset -> (reset value, writable mask). `ready` maps offset -> list of
    (set-bit, ready-bit) pairs: writing 1 to the first makes the second read 1, which is
    how oscillator and PLL "ready" flags behave once the modeled start-up time is past
    (the sim treats that time as zero).
    """

    def __init__(
        self,
        name: str,
        size: int,
        regs: dict[int, tuple[int, int]],
        ready: dict[int, list[tuple[int, int]]] | None = None,
        store_unlisted: bool = False,
    ) -> None:
        self.name = name
        self.size = size
        self.spec = dict(regs)
        self.ready = ready or {}
        self.store_unlisted = store_unlisted
        self.values: dict[int, int] = {}
        self.reset()

    def reset(self) -> None:
        self.values = {off: reset for off, (reset, _mask) in self.spec.items()}
        self._update_ready()

    def _update_ready(self) -> None:
        for off, pairs in self.ready.items():
            value = self.values.get(off, 0)
            for set_bit, ready_bit in pairs:
                value = value | ready_bit if value & set_bit else value & ~ready_bit
            self.values[off] = value

    def read_reg(self, offset: int) -> int:
        return self.values.get(offset, 0)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        if offset in self.spec:
            mask &= self.spec[offset][1]
        elif not self.store_unlisted:
            return
        old = self.values.get(offset, 0)
        self.values[offset] = (old & ~mask) | (value & mask)
        if offset in self.ready:
            self._update_ready()

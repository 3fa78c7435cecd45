"""GPIO ports, with every output pin change counted so a test can see firmware run.

Two register layouts: the STM32F1 one (CRL, CRH, IDR, ODR, BSRR, BRR, LCKR; RM0008
section 9) and the one F4 and H7 share (MODER, OTYPER, OSPEEDR, PUPDR, IDR, ODR, BSRR,
LCKR, AFRL, AFRH; RM0090 section 8, RM0433 section 11). A port whose clock is off in
RCC ignores writes and reads as zero, as silicon does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ocdpy.sim.regfile import Peripheral


@dataclass
class ToggleCounter:
    """Output pin changes per (port letter, pin), shared by all ports of a chip."""

    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    total: int = 0
    on_toggle: Callable[[int], None] | None = None

    def record(self, port: str, old: int, new: int) -> None:
        changed = (old ^ new) & 0xFFFF
        if not changed:
            return
        n = 0
        pin = 0
        while changed:
            if changed & 1:
                key = (port, pin)
                self.counts[key] = self.counts.get(key, 0) + 1
                n += 1
            changed >>= 1
            pin += 1
        self.total += n
        if self.on_toggle:
            self.on_toggle(n)

    def get(self, port: str, pin: int) -> int:
        return self.counts.get((port.upper(), pin), 0)


class GpioPort(Peripheral):
    """Common part: ODR with set/reset and toggle counting, clock gating."""

    ODR = 0x0C
    BSRR = 0x10
    BRR: int | None = 0x14
    LCKR = 0x18

    def __init__(
        self,
        letter: str,
        counter: ToggleCounter,
        clocked: Callable[[], bool],
        resets: dict[int, int] | None = None,
    ) -> None:
        self.letter = letter
        self.name = f"GPIO{letter}"
        self.size = 0x400
        self.counter = counter
        self.clocked = clocked
        self.resets = resets or {}
        self.reset()

    def reset(self) -> None:
        self.regs = dict(self.resets)
        self.odr = 0

    def _set_odr(self, value: int) -> None:
        value &= 0xFFFF
        old = self.odr
        self.odr = value
        self.counter.record(self.letter, old, value)

    def idr(self) -> int:
        return self.odr

    def read_reg(self, offset: int) -> int:
        if not self.clocked():
            return 0
        if offset == self.ODR:
            return self.odr
        if offset == self.IDR:
            return self.idr()
        if offset in (self.BSRR, self.BRR):
            return 0
        return self.regs.get(offset, 0)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        if not self.clocked():
            return
        value &= mask
        if offset == self.ODR:
            self._set_odr((self.odr & ~mask) | value)
        elif offset == self.BSRR:
            sets = value & 0xFFFF
            clears = (value >> 16) & ~sets  # set wins when both bits are written
            self._set_odr((self.odr | sets) & ~clears)
        elif self.BRR is not None and offset == self.BRR:
            self._set_odr(self.odr & ~(value & 0xFFFF))
        elif offset == self.IDR:
            return
        elif offset < 0x28:
            self.regs[offset] = (self.regs.get(offset, 0) & ~mask) | value


class GpioF1(GpioPort):
    IDR = 0x08
    ODR = 0x0C
    BSRR = 0x10
    BRR = 0x14
    LCKR = 0x18


class GpioV2(GpioPort):
    """F4/H7 layout (no BRR on these two families)."""

    IDR = 0x10
    ODR = 0x14
    BSRR = 0x18
    BRR = None
    LCKR = 0x1C

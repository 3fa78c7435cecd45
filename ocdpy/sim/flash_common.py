"""What the STM32 flash controllers share: modeled busy time, key sequences, counters.

Time: an operation occupies the flash from max(now, end of the previous operation)
for its datasheet duration; BSY/QW read 1 until that modeled time has passed. The
cell contents change when the operation starts (a read while busy would stall on
silicon and then see the new contents, so only the timing of such a read differs).

"now" depends on who asks: the core during a run sees its own time (`chip.cpu_now`),
the debugger sees the probe's clock. A core that polls a busy status register, or
writes to flash or the control register while busy, is stalled until the operation
ends (the AHB stall / busy-wait loop of silicon, skipped in one step); a debugger
access that would stall moves the modeled clock instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy.sim.bus import BusFault
from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.regfile import Peripheral

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

KEY1, KEY2 = 0x45670123, 0xCDEF89AB
OPTKEY1, OPTKEY2 = 0x08192A3B, 0x4C5D6E7F


class KeyLock:
    """An unlock key register: two writes in order open it; anything else locks the
    register until the next reset and answers with a bus error (RM0008, RM0090)."""

    def __init__(self, first: int, second: int) -> None:
        self.first = first
        self.second = second
        self.reset()

    def reset(self) -> None:
        self.locked = True
        self.stage = 0
        self.blocked = False

    def lock(self) -> None:
        self.locked = True
        self.stage = 0

    def write(self, value: int, addr: int) -> None:
        if self.blocked:
            raise BusFault(addr, "flash key register blocked until reset")
        if self.stage == 0 and value == self.first:
            self.stage = 1
            return
        if self.stage == 1 and value == self.second:
            self.locked = False
            self.stage = 0
            return
        if not self.locked and value in (self.first, self.second):
            return  # repeating the keys on an open register is harmless
        self.blocked = True
        self.locked = True
        raise BusFault(addr, "wrong flash key sequence")


class FlashController(Peripheral):
    """Base of the F1/F4/H7 controllers: timing, stalls and the main flash array."""

    family = ""
    base_addr = 0

    def __init__(self, chip: SimChip, flash: MemoryBlock) -> None:
        self.chip = chip
        self.flash = flash
        self.busy_until = 0.0

    # time ---------------------------------------------------------------------

    def now(self) -> float:
        chip = self.chip
        return chip._run_t0 + chip._stall if chip._running_core else chip.clock.now

    def busy(self) -> bool:
        return self.now() < self.busy_until

    def wait_idle(self) -> None:
        """Stall the current master until the running operation has finished."""
        if self.now() < self.busy_until:
            self.chip.stall_until(self.busy_until)

    def start_op(self, duration: float, counter: str | None = None) -> None:
        now = self.now()
        self.busy_until = (now if now > self.busy_until else self.busy_until) + duration
        if counter:
            counters = self.chip.stats.counters
            counters[counter] = counters.get(counter, 0) + 1

    # flash array --------------------------------------------------------------

    def erase(self, offset: int, length: int) -> None:
        self.flash.fill(offset, length, 0xFF)
        self.chip.flash_changed(self.flash.base + offset, length)

    def program(self, offset: int, data: bytes) -> None:
        self.flash.write(offset, data)
        self.chip.flash_changed(self.flash.base + offset, len(data))

    # hooks the chip calls -------------------------------------------------------

    def read_protected(self) -> bool:
        """True while read-out protection blocks debugger (and debug-mode) access."""
        return False

    def check_read(self, addr: int, length: int) -> None:
        """Raise BusFault if the debugger may not read main flash at `addr`."""
        if self.read_protected():
            raise BusFault(addr, "flash read-out protected")

    def write_flash(self, addr: int, size: int, value: int, from_cpu: bool) -> bytes:
        """A write access to main flash; returns the bytes the cells hold afterwards."""
        raise NotImplementedError

    def stall_on_read(self, offset: int) -> bool:
        """Whether a core read of register `offset` waits for the flash to be idle."""
        return False

    def system_reset(self) -> None:
        self.busy_until = min(self.busy_until, self.now())
        self.reset()

    def apply_faults(self, rdp1: bool, wrp_mask: int) -> None:
        pass

    def size_kb(self) -> int:
        return self.flash.size // 1024

    def option_state(self) -> dict[str, object]:
        return {}

    def load_option_state(self, state: dict[str, object]) -> None:
        pass

"""The contract between a virtual probe and a virtual chip: what an ST-Link sees of
its target through the SWD wires, the NRST line and the voltage sense pin.

A virtual probe (ocdpy.sim.stlink) only ever talks to a `SimTarget`; a virtual chip
(ocdpy.sim.chip) implements it. Time is modeled: the probe charges each USB command
its cost with `advance()`, during which the chip's core runs and its flash operations
progress, so on-target loaders and BSY polling behave as on silicon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class SimSwdError(Exception):
    """The SWD transaction got no OK ACK.

    `ack` is the 3-bit SWD ACK seen by the probe: 0b010 WAIT, 0b100 FAULT, 0b111 or 0
    no response (target unpowered, pins remapped by firmware, wiring open).
    """

    ACK_OK, ACK_WAIT, ACK_FAULT, ACK_NONE = 0b001, 0b010, 0b100, 0b111

    def __init__(self, ack: int, message: str = "") -> None:
        super().__init__(message or f"SWD ack {ack:#05b}")
        self.ack = ack


class SimBusFault(Exception):
    """A memory access through a MEM-AP faulted (unmapped address, protected region).

    `addr` is the first address that faulted; the bytes before it were transferred.
    On the wire this shows as a sticky error in DP CTRL/STAT and, for ST-Link memory
    commands, as a fault code in the last-read/write status.
    """

    def __init__(self, addr: int, message: str = "") -> None:
        super().__init__(message or f"bus fault at {addr:#010x}")
        self.addr = addr


class SimClock:
    """Modeled time in seconds since the chip was created."""

    def __init__(self) -> None:
        self.now = 0.0

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.now += seconds


@dataclass
class SimStats:
    """Counters both sides increment; `as_dict()` is what `--stats FILE` writes.

    Names used: probe_commands, bytes_out (host to probe), bytes_in (probe to host),
    swd_transfers, flash_erases_page / flash_erases_sector / flash_erases_mass,
    flash_programs (program operations, one per half-word/word/flash-word),
    gpio_toggles, core_instructions.
    """

    counters: dict[str, int] = field(default_factory=dict)
    clock: SimClock = field(default_factory=SimClock)

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] = self.counters.get(name, 0) + n

    def get(self, name: str) -> int:
        return self.counters.get(name, 0)

    def as_dict(self) -> dict[str, object]:
        return {"modeled_seconds": round(self.clock.now, 9), **dict(sorted(self.counters.items()))}


class SimTarget(Protocol):
    """A target as the probe sees it. All addresses and values are unsigned 32-bit."""

    name: str
    stats: SimStats  # stats.clock is the chip's modeled time

    def target_voltage(self) -> float:
        """Volts on the probe's VREF pin (about 3.3, or 0.0 with the no-power fault)."""

    def set_nrst(self, asserted: bool) -> None:
        """Drive the NRST line (asserted = low). Releasing it runs the reset sequence.
        With the nrst-open fault the line is not wired and this does nothing."""

    def swd_line_reset(self) -> int:
        """SWD line reset + JTAG-to-SWD switch + DPIDR read; returns DPIDR.
        Raises SimSwdError(ACK_NONE) when no target answers."""

    def dp_read(self, reg: int) -> int:
        """Read DP register at address `reg` (0x0 DPIDR, 0x4 CTRL/STAT, 0x8 RESEND, 0xC RDBUFF),
        honoring SELECT's DPBANKSEL. Raises SimSwdError."""

    def dp_write(self, reg: int, value: int) -> None:
        """Write DP register (0x0 ABORT, 0x4 CTRL/STAT, 0x8 SELECT). Raises SimSwdError."""

    def ap_read(self, ap: int, reg: int) -> int:
        """Read register `reg` (0x00 CSW, 0x04 TAR, 0x0C DRW, 0x10-0x1C BD0-3, 0xF8 BASE,
        0xFC IDR) of access port `ap`. DRW/BDx reads access memory per CSW/TAR
        (auto-increment honoured); a faulting access sets STICKYERR and raises SimSwdError(FAULT)."""

    def ap_write(self, ap: int, reg: int, value: int) -> None:
        """Write an AP register; see ap_read."""

    def mem_read(self, ap: int, addr: int, size: int, width: int) -> bytes:
        """Read `size` bytes from `addr` through MEM-AP `ap` with `width`-byte accesses
        (1, 2 or 4). Raises SimBusFault(addr_of_first_fault)."""

    def mem_write(self, ap: int, addr: int, data: bytes, width: int) -> None:
        """Write `data` at `addr` through MEM-AP `ap` with `width`-byte accesses.
        Raises SimBusFault(addr_of_first_fault); bytes before it were written."""

    def advance(self, seconds: float) -> None:
        """Let `seconds` of modeled time pass: a running core executes, flash
        operations progress, the clock moves."""

"""The flash driver interface and what every driver shares.

A driver owns one `FlashBank` and knows its controller. The programming engine
(ocdpy.flash.program) calls `probe`, `erase`, `write`, `read`, `erase_and_write`
and the timing estimates; commands call `info`, `protect`, `protect_check` and the
driver's own sub-commands. Default implementations here: reading through the target,
blank checks and verification by on-target checksum.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ocdpy.errors import FlashError, TargetNotHaltedError, TransferFaultError
from ocdpy.flash.checksum import crc_ranges, host_crc

if TYPE_CHECKING:
    from ocdpy.flash.bank import FlashBank
    from ocdpy.flash.target_api import FlashTarget

MASS = "mass"


class FlashDriver:
    """Base class; see the module docstring."""

    name = ""
    usage = ""  # of the driver-specific words on the `flash bank` line

    def __init__(self, bank: FlashBank, options: list[str]) -> None:
        self.bank = bank
        self.options = options
        # Set while one operation runs whose access was already checked (the protection
        # state cannot change in between), so each step does not read it again.
        self.access_checked: set[bool] = set()

    @property
    def target(self) -> FlashTarget:
        return self.bank.require_target()

    def require_halted(self) -> None:
        if not self.target.is_halted():
            raise TargetNotHaltedError(
                "Target not halted: flash operations need the core halted; run `reset halt` "
                "(or `halt`) first")

    # to implement ----------------------------------------------------------------

    def probe(self) -> None:
        raise NotImplementedError

    def erase(self, first: int, last: int) -> None:
        raise FlashError(f"{self.name}: erase is not supported")

    def write(self, offset: int, data: bytes) -> None:
        raise FlashError(f"{self.name}: write is not supported")

    def protect(self, set_: bool, first: int, last: int) -> None:
        raise FlashError("Flash protection is not supported.")

    def protect_check(self) -> None:
        """Refresh `is_protected` of sectors / protection blocks from the hardware."""

    def info(self) -> str:
        return ""

    def unit(self) -> int:
        """Bytes per programming operation (writes are padded to it)."""
        return 1

    # timing estimates for planning (datasheet typical figures) ------------------------

    def sector_erase_seconds(self, index: int) -> float:
        return 0.0

    def mass_erase_seconds(self) -> float | None:
        """Time of one whole-bank erase, or None if the bank has none."""
        return None

    def program_seconds(self, nbytes: int) -> float:
        return 0.0

    # defaults -------------------------------------------------------------------------

    def read(self, offset: int, size: int) -> bytes:
        try:
            return self.target.read_memory(self.bank.base + offset, size, 4 if size % 4 == 0 else 1)
        except TransferFaultError as exc:
            raise self.explain_read_fault(exc) from None

    def explain_read_fault(self, exc: TransferFaultError) -> FlashError:
        return FlashError(f"reading flash bank #{self.bank.number} failed: {exc}")

    def erase_and_write(self, erase: list[int] | str, writes: list[tuple[int, bytes]]) -> None:
        """Erase the sectors listed (or MASS), then program each (offset, data).
        Drivers with a loader do this in one run."""
        if erase == MASS:
            self.erase(0, len(self.bank.sectors) - 1)
        else:
            for first, last in _spans(sorted(erase)):
                self.erase(first, last)
        for offset, data in writes:
            self.write(offset, data)

    def erase_check(self) -> None:
        """Set `is_erased` of every sector (on-target checksum against a blank sector)."""
        bank = self.bank
        ranges = [(bank.base + s.offset, s.size) for s in bank.sectors]
        crcs = self.checksums(ranges)
        blank: dict[int, int] = {}
        for sector, crc in zip(bank.sectors, crcs, strict=True):
            if sector.size not in blank:
                blank[sector.size] = host_crc(bytes([bank.erased_value]) * sector.size)
            sector.is_erased = 1 if crc == blank[sector.size] else 0

    def check_access(self, writing: bool) -> None:
        """Raise a FlashError that says what to do if protection forbids the access."""

    def ensure_access(self, writing: bool) -> None:
        if writing in self.access_checked or (not writing and True in self.access_checked):
            return
        self.check_access(writing)

    def access_guard(self) -> tuple[int, int, int] | None:
        """(register, mask, value) a loader can check itself before it touches the
        flash (read-out protection), saving the host the read; None if it cannot."""
        return None

    @contextmanager
    def one_operation(self, writing: bool, loader_checks: bool = False) -> Iterator[None]:
        """Check access once for a whole operation (see access_checked). With
        `loader_checks`, a driver whose loader checks the protection itself
        (access_guard) leaves it to the loader."""
        if not (loader_checks and self.access_guard() is not None):
            self.ensure_access(writing)
        outer = set(self.access_checked)
        self.access_checked.add(writing)
        try:
            yield
        finally:
            self.access_checked = outer

    def checksums(self, ranges: list[tuple[int, int]]) -> list[int]:
        self.ensure_access(writing=False)
        try:
            return crc_ranges(self.target, ranges)
        except TransferFaultError as exc:
            raise self.explain_read_fault(exc) from None

    def verify(self, offset: int, data: bytes) -> bool:
        return self.checksums([(self.bank.base + offset, len(data))])[0] == host_crc(data)


def _spans(indices: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in indices:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def flags_text(value: int, names: dict[int, str]) -> str:
    """'WRPRTERR, EOP' for the bits of `value` named in `names` ('no flags' if none)."""
    found = [name for bit, name in names.items() if value & bit]
    return ", ".join(found) if found else "no flags"


class UnsupportedFlash(FlashDriver):
    """A driver OpenOCD has and ocdpy does not (yet): declared banks list, use fails."""

    def probe(self) -> None:
        from ocdpy.flash.drivers import driver_names

        raise FlashError(f"flash bank #{self.bank.number} ({self.bank.name}) uses the "
                         f"'{self.bank.decl.driver}' flash driver, which ocdpy does not have yet "
                         f"(it has {', '.join(driver_names())}); use OpenOCD for this bank")

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.bank.decl.driver

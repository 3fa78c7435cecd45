"""What the STM32 drivers share: one loader run that checks, erases and programs,
the direct-register fallback when no work area fits, and the probe sanity check of
the flash size register.
"""

from __future__ import annotations

from collections.abc import Callable

from ocdpy import log
from ocdpy.errors import FlashError, ProbeError, TransferFaultError
from ocdpy.flash.checksum import and_of_words, check_value
from ocdpy.flash.drivers.base import MASS, FlashDriver
from ocdpy.flash.loader import (
    MAX_STEP_BYTES,
    ST_PROTECTED,
    CheckResults,
    CheckRun,
    LoaderContext,
    LoaderError,
    NoWorkAreaError,
    ProgramJob,
    run_program_job,
)

Plan = tuple[list[int] | str, list[tuple[int, bytes]]]  # (sectors to erase or MASS, writes)

KEY1, KEY2 = 0x45670123, 0xCDEF89AB
OPTKEY1, OPTKEY2 = 0x08192A3B, 0x4C5D6E7F
POLL_LIMIT = 200_000  # register polls before a direct-mode wait gives up


class Stm32Flash(FlashDriver):
    """Base of the stm32f1x / stm32f2x / stm32h7x drivers."""

    loader: bytes = b""
    sr_name = "FLASH_SR"
    sr_offset = 0x0C
    progress: Callable[[int], None] | None = None

    # what each family provides ----------------------------------------------------

    def regs_base(self) -> int:
        raise NotImplementedError

    def unit(self) -> int:
        """Bytes per programming operation."""
        raise NotImplementedError

    def erase_entry(self, index: int) -> int:
        raise NotImplementedError

    def mass_entry(self) -> int:
        raise NotImplementedError

    def extra_cr(self) -> int:
        return 0

    def describe_sr(self, sr: int) -> str:
        raise NotImplementedError

    def explain(self, exc: LoaderError) -> FlashError:
        return exc

    def rdp_message(self) -> str:
        return f"device is read-out protected: flash bank #{self.bank.number} cannot be written"

    def direct_erase(self, entries: list[int]) -> None:
        raise NotImplementedError

    def direct_write(self, offset: int, data: bytes) -> None:
        raise NotImplementedError

    # shared ------------------------------------------------------------------------

    def erase(self, first: int, last: int) -> None:
        everything = first == 0 and last == len(self.bank.sectors) - 1
        if everything and self.mass_erase_seconds() is not None:
            self.erase_and_write(MASS, [])
        else:
            self.erase_and_write(list(range(first, last + 1)), [])
        for i in range(first, last + 1):
            self.bank.sectors[i].is_erased = 1

    def write(self, offset: int, data: bytes) -> None:
        self.erase_and_write([], [(offset, data)])

    def mass_erase(self) -> None:
        self.erase_and_write(MASS, [])
        for s in self.bank.sectors:
            s.is_erased = 1

    def erase_and_write(self, erase: list[int] | str, writes: list[tuple[int, bytes]]) -> None:
        self.require_halted()
        self.ensure_access(writing=True)
        job = self.plan_job(erase, writes)
        job.guard = self.access_guard()
        if job.steps:
            self._run_job(job, lambda: self._direct(job))

    def erase_and_write_checked(self, checks: list[CheckRun], expect: list[int], worst: Plan,
                                units: dict[int, int], wait: bool,
                                decide: Callable[[CheckResults], Plan]) -> None:
        """One loader run: the check pass over `checks`, then `worst` (every touched
        sector erased and programmed) with each sector's steps conditioned on its
        check unit (`units`: sector index -> unit; `expect[unit]` the hash it must
        have): unchanged sectors are left alone, blank ones programmed without an
        erase. `decide(results)` is called with the results; with `wait` and the blank
        ranges all blank, its plan runs instead (a mass erase). Without a work area
        the checks read the flash back and `decide`'s plan is programmed directly."""
        self.require_halted()
        if self.access_guard() is None:
            self.ensure_access(writing=True)
        job = self.plan_job(*worst, units=units)
        room, most = len(job.steps) + 1, len(job.data)  # + 1: a mass erase step
        if wait and not any(c.blank for c in checks):
            # The loader will wait for the host's plan whatever it finds: no steps or
            # hashes to give it (less to upload, more room for the ring).
            job = ProgramJob(self.regs_base(), b"", self.unit(), extra_cr=self.extra_cr(),
                             unit_seconds=self.program_seconds(self.unit()))
        else:
            job.expect = expect
        job.checks, job.wait, job.plan_room, job.plan_data = checks, wait, room if wait else 0, most
        job.planner = lambda results: self.plan_job(*decide(results))
        job.core_hz = self.core_hz()
        job.guard = self.access_guard()
        self._run_job(job, lambda: self._direct_checked(checks, decide))

    def _direct_checked(self, checks: list[CheckRun], decide: Callable[[CheckResults], Plan]) -> None:
        self.check_access(writing=True)  # no loader to look at the protection
        self._direct(self.plan_job(*decide(self.read_back_checks(checks))))

    def core_hz(self) -> float:
        """The core clock to expect while flashing (the family's reset clock)."""
        return 0.0

    def _run_job(self, job: ProgramJob, direct: Callable[[], None]) -> None:
        ctx = LoaderContext(self.name, self.describe_sr, self.sr_name, self.sr_offset, self.progress)
        try:
            try:
                run_program_job(self.target, self.loader, job, ctx)
            except NoWorkAreaError as exc:
                log.warning(f"{self.name}: {exc}; programming by single memory accesses (slower)")
                direct()
        except LoaderError as exc:
            if exc.status == ST_PROTECTED:
                raise FlashError(self.rdp_message()) from None
            raise self.explain(exc) from None
        except ProbeError as exc:  # TransferFaultError included: the target stopped answering
            raise FlashError(f"{self.name}: the probe lost the target while programming "
                             f"({exc}); the flash may be partly written: reconnect, run "
                             "`reset halt`, then flash again (verify_image names the "
                             "sectors that differ)") from None

    def read_back_checks(self, checks: list[CheckRun]) -> CheckResults:
        """The check pass done on the host, reading the flash back (no work area)."""
        units: list[tuple[int, int]] = []
        blanks: list[int] = []
        base = self.bank.base
        for c in checks:
            if c.blank:
                value = and_of_words(self.read(c.address - base, c.size))
                blanks.append(value)
                if value != 0xFFFFFFFF:
                    break
                continue
            for i in range(c.count):
                units.append(check_value(self.read(c.address + i * c.size - base, c.size)))
        return CheckResults(units, blanks)

    def plan_job(self, erase: list[int] | str, writes: list[tuple[int, bytes]],
                 units: dict[int, int] | None = None) -> ProgramJob:
        """One loader job: a step per sector, in address order, erasing it first if asked
        and programming the parts of `writes` (bank offset, data) that fall in it.
        With `units` (sector index -> check unit) each step stays within its sector and
        names the unit (ProgramJob.step_units)."""
        bank = self.bank
        unit = self.unit()
        to_erase = set() if erase == MASS else set(erase)
        pieces: dict[int, list[tuple[int, bytes]]] = {}
        for offset, data in writes:
            if offset % unit or len(data) % unit:
                raise FlashError(f"internal: write at offset 0x{offset:x} ({len(data)} bytes) is not "
                                 f"aligned to the {unit}-byte programming unit")
            pos, end = offset, offset + len(data)
            while pos < end:
                index = bank.sector_index(pos)
                stop = min(end, bank.sectors[index].end)
                pieces.setdefault(index, []).append((pos, data[pos - offset:stop - offset]))
                pos = stop
        job = ProgramJob(self.regs_base(), b"", unit, extra_cr=self.extra_cr(),
                         unit_seconds=self.program_seconds(unit))
        if erase == MASS:
            job.steps.append((self.mass_entry(), 0, 0))
            job.erase_seconds.append(self.mass_erase_seconds() or 0.0)
            if units is not None:
                job.step_units.append(None)
        chunks: list[bytes] = []
        for index in sorted(to_erase | set(pieces)):
            entry = self.erase_entry(index) if index in to_erase else 0
            parts = sorted(pieces.get(index, [])) or [(0, b"")]
            for pos, data in parts:
                address = bank.base + pos if data else 0
                last = job.steps[-1] if job.steps else None
                joins = (not entry and data and last and last[1] and last[1] + last[2] == address
                         and last[2] + len(data) <= MAX_STEP_BYTES
                         and (units is None or job.step_units[-1] == units.get(index)))
                if joins:
                    # No erase in between: carry on with the previous step (a shorter list).
                    job.steps[-1] = (last[0], last[1], last[2] + len(data))
                else:
                    job.steps.append((entry, address, len(data)))
                    job.erase_seconds.append(self.sector_erase_seconds(index) if entry else 0.0)
                    if units is not None:
                        job.step_units.append(units.get(index))
                chunks.append(data)
                entry = 0
        job.data = b"".join(chunks)
        return job

    def _direct(self, job: ProgramJob) -> None:
        erases = [entry for entry, _, _ in job.steps if entry]
        if erases:
            self.direct_erase(erases)
        pos = 0
        for _, address, count in job.steps:
            if count:
                self.direct_write(address - self.bank.base, job.data[pos:pos + count])
                pos += count

    # register helpers ------------------------------------------------------------------

    def reg(self, offset: int) -> int:
        return self.target.read_u32(self.regs_base() + offset)

    def set_reg(self, offset: int, value: int) -> None:
        self.target.write_u32(self.regs_base() + offset, value)

    def wait_idle(self, sr_offset: int, busy_mask: int, seconds: float) -> int:
        """Poll a status register until `busy_mask` clears; returns the last value."""
        target = self.target
        deadline = target.now() + 3.0 * seconds + 1.0
        for _ in range(POLL_LIMIT):
            sr = target.read_u32(self.regs_base() + sr_offset)
            if not sr & busy_mask:
                return sr
            if target.now() > deadline:
                break
        raise FlashError(f"{self.name}: timed out waiting for the flash (status 0x{sr:08x}: "
                         f"{self.describe_sr(sr)}); run `reset halt` and try again")


def read_size_register(target, address: int) -> int | None:
    """The 16-bit flash size register, None if it cannot be read. Read as the aligned
    word around it where that works: a single word is one probe command, a half-word
    read two (the memory command and its status)."""
    try:
        word = target.read_u32(address & ~3)
        return (word >> (8 * (address & 3))) & 0xFFFF
    except TransferFaultError:
        pass
    try:
        return int.from_bytes(target.read_memory(address, 2, 2), "little")
    except TransferFaultError:
        return None


def sanity_checked_size(driver: FlashDriver, size_reg: int, value: int | None, max_kb: int,
                        part: str) -> int:
    """The flash size in KiB from the size register, or a safe fallback with a warning.

    `value` None means the register could not be read. A value of 0, 0xFFFF or more than
    the family's maximum cannot be right; the fallback is the largest size up to the
    maximum whose last word reads back (an absent flash faults), so a part whose
    register reads e.g. 11560 KiB still gets its real size.
    """
    if value is not None and 0 < value <= max_kb:
        return value
    target = driver.target
    size = max_kb
    while size > 4:
        try:
            target.read_memory(driver.bank.base + size * 1024 - 4, 4)
            break
        except TransferFaultError:
            size //= 2
    if value is None:
        why = f"the flash size register at 0x{size_reg:08x} could not be read"
    elif value in (0, 0xFFFF):
        why = f"the flash size register at 0x{size_reg:08x} reads 0x{value:04x} (not programmed)"
    else:
        why = (f"the flash size register at 0x{size_reg:08x} reads 0x{value:04x} ({value} KiB), "
               f"more than the {max_kb} KiB any {part} has")
    log.warning(f"{driver.name}: {why}; using {size} KiB (the largest size up to {max_kb} KiB "
                "whose end reads back). If that is wrong, put the size in the flash bank line "
                f"of your config (flash bank ... {driver.name} 0x{driver.bank.base:08x} "
                f"<size> 0 0 <target>)")
    return size

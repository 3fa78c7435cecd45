"""What the STM32 drivers share: one loader run that checks, erases and programs,
the direct-register fallback when no work area fits, and the probe sanity check of
the flash size register.
"""

from __future__ import annotations

from collections.abc import Callable

from ocdpy import log
from ocdpy.errors import FlashError, ProbeError, TransferFaultError
from ocdpy.flash.checksum import and_of_words, check_value
from ocdpy.flash.drivers.base import MASS, FlashDriver, flags_text
from ocdpy.flash.loader import (
    MAX_STEP_BYTES,
    ST_ERASE,
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
KEYR, OPTKEYR = 0x04, 0x08  # the same offsets in every family's register block
POLL_LIMIT = 200_000  # register polls before a direct-mode wait gives up


class Stm32Flash(FlashDriver):
    """Base of the stm32f1x / stm32f2x / stm32h7x drivers."""

    loader: bytes = b""
    sr_name = "FLASH_SR"
    sr_offset = 0x0C
    progress: Callable[[int], None] | None = None

    # each family's parts and register bits ------------------------------------------

    parts: dict = {}  # DBGMCU IDCODE device id -> part (with .device, .revisions, .max_kb)
    unidentified = ""  # `flash info` text for an IDCODE no part has
    cr_offset = 0x10
    cr_lock = cr_pg = 0
    clear_flags = (0, 0)  # (register offset, value) that clears old status flags
    sr_busy = sr_errors = 0
    sr_protection_errors = 0  # the error bits protection causes (explained by sector)
    sr_names: dict[int, str] = {}
    sr_advice: dict[int, str] = {}  # error bit -> what to do, added to the message
    unlock_erases = "the whole flash (then reset or power-cycle the board)"

    # what each family provides ----------------------------------------------------

    def regs_base(self) -> int:
        raise NotImplementedError

    def read_idcode(self) -> int:
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

    def read_protected(self) -> bool:
        raise NotImplementedError

    def write_protection(self) -> int:
        """The write-protection bits, one per protection unit, 0 = protected."""
        raise NotImplementedError

    def protection_units(self) -> list:
        return self.bank.prot_blocks

    def entry_sector(self, entry: int) -> int | None:
        """The sector a loader erase entry erases (None: not a sector erase)."""
        return None

    def start_erase(self, entry: int) -> float:
        """Start one erase (an erase_entry or mass_entry) directly; returns its seconds."""
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

    # identification ----------------------------------------------------------------------

    def identify(self, idcode: int):
        """The part the DBGMCU IDCODE names (logged), or a FlashError saying so."""
        log.info(f"device id = 0x{idcode:08x}")
        part = self.parts.get(idcode & 0xFFF)
        if part is None:
            raise FlashError(f"Cannot identify target as a STM32 family (device id 0x{idcode & 0xFFF:03x}); "
                             "check that the target config matches the chip")
        return part

    def probed_size_kb(self, size_reg: int, part) -> int:
        """The flash size register's KiB, sanity-checked against the part's maximum."""
        value = read_size_register(self.target, size_reg)
        return sanity_checked_size(self, size_reg, value, part.max_kb, part.device + " part")

    def configured_size_kb(self, size_kb: int) -> int:
        """A size on the `flash bank` line wins over the probed one."""
        if self.bank.user_size:
            log.info("ignoring flash probed value, using configured bank size")
            return self.bank.user_size // 1024
        return size_kb

    def info(self) -> str:
        idcode = self.read_idcode()
        part = self.parts.get(idcode & 0xFFF)
        if part is None:
            return self.unidentified
        rev = idcode >> 16
        name = part.revisions.get(rev)
        return f"{part.device} - Rev: {name}" if name else f"{part.device} - Rev: unknown (0x{rev:04x})"

    def describe_sr(self, sr: int) -> str:
        return flags_text(sr, self.sr_names)

    # protection ------------------------------------------------------------------------

    def rdp_message(self) -> str:
        return (f"device is read-out protected: flash bank #{self.bank.number} cannot be read, "
                f"erased or programmed. `{self.name} unlock {self.bank.number}` removes the "
                f"protection and erases {self.unlock_erases}; then flash again")

    def check_access(self, writing: bool) -> None:
        if self.read_protected():
            raise FlashError(self.rdp_message())

    def explain_read_fault(self, exc: TransferFaultError) -> FlashError:
        try:
            cause = self.read_fault_cause(exc)
        except TransferFaultError:
            cause = None
        return cause if cause is not None else super().explain_read_fault(exc)

    def read_fault_cause(self, exc: TransferFaultError) -> FlashError | None:
        """Why a flash read faulted, if the registers tell (read-out protection)."""
        return FlashError(self.rdp_message()) if self.read_protected() else None

    def explain(self, exc: LoaderError) -> FlashError:
        """A failed loader or direct step in the user's terms: read-out protection, the
        write-protected sectors in the way, or the family's advice for the error bit."""
        sr = exc.sr
        if sr is not None and sr & self.sr_protection_errors:
            try:
                if self.read_protected():
                    return FlashError(self.rdp_message())
                detail = self.protection_detail(exc)
            except TransferFaultError:
                detail = ""
            if detail:
                return FlashError(f"{exc.message.split(': FLASH_SR')[0]}: {detail}")
        for bit, advice in self.sr_advice.items():
            if sr is not None and sr & bit:
                return FlashError(exc.message + advice)
        return exc

    def protection_detail(self, exc: LoaderError) -> str:
        return self.protected_sectors_text(self.failed_sector(exc))

    def failed_sector(self, exc: LoaderError) -> int | None:
        """The sector a failed step was at: from its erase entry or its address."""
        if exc.address is None:
            return None
        if exc.status == ST_ERASE:
            index = self.entry_sector(exc.address)
            if index is not None:
                return index
        if self.bank.contains(exc.address):
            return self.bank.sector_index(exc.address - self.bank.base)
        return None

    def protected_sectors_text(self, index: int | None = None) -> str:
        """The write-protected sectors (just `index` if it is one) and how to unprotect."""
        prot = self.write_protection()
        blocks = self.protection_units()
        names = [i for i in range(len(blocks)) if not prot >> i & 1]
        if index is not None and index in names:
            names = [index]
        if not names:
            return ""
        text = ", ".join(f"sector {i} (0x{self.bank.base + blocks[i].offset:08x})" for i in names[:12])
        return (f"write-protected: {text}. `flash protect {self.bank.number} {min(names)} "
                f"{max(names)} off` removes the protection")

    def protect_check(self) -> None:
        prot = self.write_protection()
        for i, block in enumerate(self.protection_units()):
            block.is_protected = 0 if prot >> i & 1 else 1

    # direct register programming (no work area) ----------------------------------------

    def unlock_flash(self) -> None:
        """Unlock the control register and clear old status flags."""
        if self.reg(self.cr_offset) & self.cr_lock:
            self.set_reg(KEYR, KEY1)
            self.set_reg(KEYR, KEY2)
            if self.reg(self.cr_offset) & self.cr_lock:
                raise FlashError(f"{self.name}: the flash stayed locked after the unlock keys; run "
                                 "`reset halt` and try again")
        self.set_reg(*self.clear_flags)

    def unlock_options(self, optcr: int, lock: int) -> None:
        """Unlock the option control register at `optcr` if its `lock` bit is set."""
        if self.reg(optcr) & lock:
            self.set_reg(OPTKEYR, OPTKEY1)
            self.set_reg(OPTKEYR, OPTKEY2)
            if self.reg(optcr) & lock:
                raise FlashError(f"{self.name}: the option bytes stayed locked after the option keys; "
                                 "run `reset halt` and try again")

    def check_sr(self, sr: int, what: str, address: int) -> None:
        if sr & self.sr_errors:
            raise self.explain(LoaderError(f"{self.name}: {what} at 0x{address:08x} failed: FLASH_SR "
                                           f"0x{sr:08x} ({self.describe_sr(sr)})", 0, address, sr))

    def direct_erase(self, entries: list[int]) -> None:
        self.unlock_flash()
        try:
            for entry in entries:
                seconds = self.start_erase(entry)
                self.check_sr(self.wait_idle(self.sr_offset, self.sr_busy, seconds), "erasing", entry)
        finally:
            self.set_reg(self.cr_offset, self.cr_lock)

    def direct_write(self, offset: int, data: bytes) -> None:
        self.unlock_flash()
        address = self.bank.base + offset
        unit = self.unit()
        # Flash words wider than a bus word are written as words.
        width, seconds = min(unit, 4), self.program_seconds(unit)
        try:
            self.set_reg(self.cr_offset, self.cr_pg | self.extra_cr())
            for pos in range(0, len(data), 1024):
                self.target.write_memory(address + pos, data[pos:pos + 1024], width)
                self.check_sr(self.wait_idle(self.sr_offset, self.sr_busy, seconds), "programming", address + pos)
        finally:
            self.set_reg(self.cr_offset, self.cr_lock)

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


def with_protection(bits: int, protect: bool, first: int, last: int) -> int:
    """Write-protection bits (a 0 protects its unit) with units first..last protected,
    or not."""
    mask = ((1 << (last + 1)) - 1) & ~((1 << first) - 1)  # 0 when first > last
    return bits & ~mask if protect else bits | mask


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

"""The flash operations behind the commands: write an image, verify it, erase, read,
write and verify a bank, fill. Domain code: values in, results out, log lines
through ocdpy.log; the commands format OpenOCD's output from the results.

Writing an image (`write_image`) goes: runs as OpenOCD builds them (ocdpy.flash.runs)
-> per bank, the content every touched sector must end up with -> ONE loader run per
bank (ocdpy.flash.loader) that first hashes the touched sectors on the target, then
per sector leaves it alone (unchanged), programs it (blank) or erases and programs it
(different), while the data streams in -> a mass erase instead when the image covers
the whole bank, or the rest of the bank is found blank, and that is faster (then the
loader waits for the host's plan: one read and one write, still the same run).
The flash ends up byte for byte as OpenOCD would leave it; only the work differs.
`skip_unchanged=False` (or OCDPY_FLASH_SKIP_UNCHANGED=0, or `flash skip_unchanged
off`) erases and writes every sector the image touches, as OpenOCD does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

from ocdpy import log
from ocdpy.errors import FlashError
from ocdpy.flash.bank import FlashBank
from ocdpy.flash.checksum import check_value, crc_ranges, host_crc
from ocdpy.flash.drivers.base import MASS
from ocdpy.flash.image import Image
from ocdpy.flash.loader import CheckResults, CheckRun
from ocdpy.flash.runs import Run, bank_at, build_runs, erase_range
from ocdpy.flash.target_api import preserved_context

SKIP_ENV = "OCDPY_FLASH_SKIP_UNCHANGED"
# Bigger stretches of 0xFF than this inside an erased sector are not programmed: they
# already read 0xFF, and programming them costs as much as programming data.
FF_SPLIT = 256

Progress = Callable[[int, int], None]  # (done, total) bytes


def skip_unchanged_default() -> bool:
    return os.environ.get(SKIP_ENV, "1").strip().lower() not in ("0", "off", "no", "false")


@dataclass
class BankPlan:
    """What one write does to one bank."""

    bank: FlashBank
    sectors: list[int] = field(default_factory=list)  # touched by the image
    unchanged: list[int] = field(default_factory=list)
    erase: list[int] = field(default_factory=list)
    program: list[int] = field(default_factory=list)
    mass: bool = False
    writes: list[tuple[int, bytes]] = field(default_factory=list)  # (bank offset, data)

    @property
    def program_bytes(self) -> int:
        return sum(len(d) for _, d in self.writes)


@dataclass
class WriteResult:
    written: int  # what OpenOCD reports: the runs' sizes, padding included
    seconds: float
    plans: list[BankPlan]

    @property
    def sectors_skipped(self) -> int:
        return sum(len(p.unchanged) for p in self.plans)


@dataclass
class VerifyResult:
    verified: int
    seconds: float
    mismatches: list[tuple[FlashBank, int, int]] = field(default_factory=list)  # bank, start, end


def _bank_target(bank: FlashBank):
    return bank.require_target()


@contextmanager
def _preserving(banks: list[FlashBank]) -> Iterator[None]:
    """The core registers of every target involved come back after the operation."""
    with ExitStack() as stack:
        seen: list = []
        for bank in banks:
            target = bank.target
            if target is not None and all(target is not t for t in seen):
                seen.append(target)
                stack.enter_context(preserved_context(target))
        yield


# -- write_image -------------------------------------------------------------------------

def write_image(banks: list[FlashBank], image: Image, erase: bool = False, unlock: bool = False,
                skip_unchanged: bool | None = None, progress: Progress | None = None) -> WriteResult:
    """`flash write_image [erase] [unlock] file`: see the module docstring."""
    if skip_unchanged is None:
        skip_unchanged = skip_unchanged_default()
    started = time.monotonic()
    if len(image) == 0:
        return WriteResult(0, 0.0, [])
    with _preserving(banks):
        return _write_image(banks, image, erase, unlock, skip_unchanged, progress, started)


def _write_image(banks: list[FlashBank], image: Image, erase: bool, unlock: bool, skip_unchanged: bool,
                 progress: Progress | None, started: float) -> WriteResult:
    runs = build_runs(banks, image, erase, unlock)
    written = sum(len(r.data) for r in runs)
    by_bank: dict[int, list[Run]] = {}
    order: list[FlashBank] = []
    for run in runs:
        if run.bank.number not in by_bank:
            by_bank[run.bank.number] = []
            order.append(run.bank)
        by_bank[run.bank.number].append(run)
    plans: list[BankPlan] = []
    meter = _Meter(progress, sum(len(r.data) for r in runs))
    with ExitStack() as stack:
        if not unlock:  # unlocking changes the protection state on the way
            for bank in order:
                # With erase, the loader run checks read-out protection itself (the
                # host saves a read); without, the host checks before anything.
                loader_checks = erase and skip_unchanged and hasattr(bank.driver, "erase_and_write_checked")
                stack.enter_context(bank.driver.one_operation(writing=True, loader_checks=loader_checks))
        for bank in order:
            bank_runs = by_bank[bank.number]
            if unlock:
                _unlock_range(bank, bank_runs)
            plan = _write_bank(bank, bank_runs, erase, skip_unchanged, meter)
            plans.append(plan)
            _mark(plan)
            meter.bank_done(plan.program_bytes)
    return WriteResult(written, time.monotonic() - started, plans)


class _Meter:
    """Progress over several banks whose byte counts are known only once each bank's
    plan is made (after its check pass)."""

    def __init__(self, progress: Progress | None, estimate: int) -> None:
        self.progress = progress
        self.total = estimate
        self.before = 0
        self.planned = 0

    def planned_bank(self, nbytes: int, estimate: int) -> None:
        self.total += nbytes - estimate
        self.planned = nbytes

    def callback(self) -> Callable[[int], None] | None:
        if self.progress is None:
            return None
        progress = self.progress
        return lambda n: progress(self.before + n, max(self.total, self.before + n))

    def bank_done(self, nbytes: int) -> None:
        self.before += nbytes


def _unlock_range(bank: FlashBank, runs: list[Run]) -> None:
    bank.driver.protect_check()
    blocks = bank.prot_blocks or bank.sectors
    wanted: set[int] = set()
    for run in runs:
        for i, b in enumerate(blocks):
            if b.offset < run.offset + len(run.data) and run.offset < b.end:
                wanted.add(i)
    locked = sorted(i for i in wanted if blocks[i].is_protected == 1)
    if locked:
        bank.driver.protect(False, locked[0], locked[-1])


def _desired_sectors(bank: FlashBank, runs: list[Run]) -> dict[int, bytearray]:
    """Each touched sector's content after OpenOCD's erase + write: the run bytes, the
    erased value elsewhere."""
    out: dict[int, bytearray] = {}
    for run in runs:
        for i, lo, data in _sector_pieces(bank, run):
            s = bank.sectors[i]
            if i not in out:
                out[i] = bytearray([bank.erased_value]) * s.size
            out[i][lo - s.offset:lo - s.offset + len(data)] = data
    return out


SAME, BLANK, DIFFERENT = "same", "blank", "different"


def _write_bank(bank: FlashBank, runs: list[Run], erase: bool, skip: bool, meter: _Meter) -> BankPlan:
    """Plan and carry out the write of one bank (see the module docstring)."""
    driver = bank.driver
    plan = BankPlan(bank)
    if not erase:
        _plan_no_erase(bank, runs, plan, skip)
        _execute(plan, meter)
        return plan
    desired = _desired_sectors(bank, runs)
    plan.sectors = sorted(desired)
    if not skip:
        _decide(plan, desired, {i: DIFFERENT for i in plan.sectors}, rest_blank=False)
        _execute(plan, meter)
        return plan
    uncovered = [i for i in range(len(bank.sectors)) if i not in desired]
    mass_time = driver.mass_erase_seconds()
    # A mass erase can only win if it is quicker than erasing every touched sector; only
    # then is it worth looking whether the rest of the bank is blank.
    look_at_rest = bool(uncovered) and mass_time is not None and mass_time < sum(
        driver.sector_erase_seconds(i) for i in plan.sectors)
    blank_ranges = _blank_ranges(bank, uncovered, plan.sectors[-1]) if look_at_rest else []
    if hasattr(driver, "erase_and_write_checked"):
        _write_bank_checked(plan, desired, blank_ranges, meter)
        return plan
    # A driver without a loader: on-target CRCs first, then the plan.
    ranges = [(bank.base + bank.sectors[i].offset, bank.sectors[i].size) for i in plan.sectors]
    crcs = driver.checksums(ranges + blank_ranges)
    states = {}
    for i, crc in zip(plan.sectors, crcs, strict=True):
        size = bank.sectors[i].size
        states[i] = (SAME if crc == host_crc(bytes(desired[i])) else
                     BLANK if crc == host_crc(bytes([bank.erased_value]) * size) else DIFFERENT)
    rest = crcs[len(ranges):]
    rest_blank = bool(blank_ranges) and all(
        c == host_crc(bytes([bank.erased_value]) * n) for c, (_, n) in zip(rest, blank_ranges, strict=True))
    _decide(plan, desired, states, rest_blank)
    _execute(plan, meter)
    return plan


def _write_bank_checked(plan: BankPlan, desired: dict[int, bytearray], blank_ranges: list[tuple[int, int]],
                        meter: _Meter) -> None:
    """One loader run checks, erases and programs (see ocdpy.flash.loader): the loader
    decides per sector from its own check results as _decide would, and waits for the
    host's plan only where a mass erase may be better."""
    bank = plan.bank
    driver = bank.driver
    checks = _hash_runs(bank, plan.sectors) + [CheckRun(a, n, 1, blank=True) for a, n in blank_ranges]
    expect = [check_value(bytes(desired[i])) for i in plan.sectors]
    units = {i: u for u, i in enumerate(plan.sectors)}
    unit = driver.unit()
    worst = _writes_from(bank, desired, unit, skip_ff=True)
    estimate = sum(len(d) for _, d in worst)
    covered_all = len(plan.sectors) == len(bank.sectors)
    mass_time = driver.mass_erase_seconds()
    wait = mass_time is not None and (bool(blank_ranges) or (covered_all and mass_time < sum(
        driver.sector_erase_seconds(i) for i in plan.sectors)))

    def decide(results: CheckResults) -> tuple[list[int] | str, list[tuple[int, bytes]]]:
        states = {}
        for i, found in zip(plan.sectors, results.units, strict=True):
            states[i] = (SAME if found == expect[units[i]] else
                         BLANK if found == 0xFFFFFFFF and bank.erased_value == 0xFF else DIFFERENT)
        _decide(plan, desired, states, rest_blank=bool(blank_ranges) and results.all_blank(len(blank_ranges)))
        meter.planned_bank(plan.program_bytes, estimate)
        return (MASS if plan.mass else plan.erase), plan.writes

    driver.progress = meter.callback()
    try:
        driver.erase_and_write_checked(checks, expect, (list(plan.sectors), worst), units, wait, decide)
    finally:
        driver.progress = None


def _hash_runs(bank: FlashBank, sectors: list[int]) -> list[CheckRun]:
    """Check runs for the sectors (in order): one per stretch of adjacent sectors of
    the same size."""
    runs: list[CheckRun] = []
    for i in sectors:
        s = bank.sectors[i]
        last = runs[-1] if runs else None
        if last and not last.blank and last.size == s.size and last.address + last.size * last.count == bank.base + s.offset:
            last.count += 1
        else:
            runs.append(CheckRun(bank.base + s.offset, s.size, 1))
    return runs


def _blank_ranges(bank: FlashBank, sectors: list[int], last_touched: int) -> list[tuple[int, int]]:
    """The sectors outside the image as (address, size) ranges, each stretch of adjacent
    sectors one range; the ones after the image first (old firmware that was bigger is
    found there), so a range that is not blank turns up early and ends the look."""
    ranges: list[list[int]] = []
    for i in sectors:
        s = bank.sectors[i]
        if ranges and ranges[-1][0] + ranges[-1][1] == bank.base + s.offset:
            ranges[-1][1] += s.size
        else:
            ranges.append([bank.base + s.offset, s.size])
    after = [r for r in ranges if r[0] > bank.base + bank.sectors[last_touched].offset]
    before = [r for r in ranges if r not in after]
    return [(a, n) for a, n in after + before]


def _decide(plan: BankPlan, desired: dict[int, bytearray], states: dict[int, str], rest_blank: bool) -> None:
    """Per sector: unchanged (left alone), blank (programmed only) or different (erased
    and programmed); then a mass erase instead when it is quicker and changes nothing
    OpenOCD would keep (the image covers the whole bank, or the rest of it is blank)."""
    bank = plan.bank
    driver = bank.driver
    plan.unchanged, plan.erase, plan.program, plan.mass = [], [], [], False
    for i in plan.sectors:
        if states[i] == SAME:
            plan.unchanged.append(i)
            continue
        if states[i] == DIFFERENT:
            plan.erase.append(i)
        plan.program.append(i)
    mass_time = driver.mass_erase_seconds()
    covered_all = len(plan.sectors) == len(bank.sectors)
    if mass_time is not None and plan.erase and (covered_all or rest_blank):
        # A mass erase also wipes the sectors left alone: they must be rewritten.
        redo = [i for i in plan.sectors if i not in plan.program]
        mass_cost = mass_time + driver.program_seconds(sum(bank.sectors[i].size for i in redo))
        if mass_cost < sum(driver.sector_erase_seconds(i) for i in plan.erase):
            plan.mass = True
            plan.erase = []
            plan.program = list(plan.sectors)
            plan.unchanged = []
    unit = driver.unit()
    plan.writes = _writes_from(bank, {i: desired[i] for i in plan.program}, unit, skip_ff=True)


def _plan_no_erase(bank: FlashBank, runs: list[Run], plan: BankPlan, skip: bool) -> BankPlan:
    """Without erase, OpenOCD just programs the runs; ocdpy leaves out sector pieces that
    already hold exactly those bytes."""
    driver = bank.driver
    # (bank offset, data), split at sector ends
    pieces = [(lo, data) for run in runs for _, lo, data in _sector_pieces(bank, run)]
    keep = pieces
    if skip and pieces:
        crcs = driver.checksums([(bank.base + off, len(d)) for off, d in pieces])
        keep = [p for p, crc in zip(pieces, crcs, strict=True) if crc != host_crc(p[1])]
        plan.unchanged = sorted({bank.sector_index(off) for off, _ in pieces} -
                                {bank.sector_index(off) for off, _ in keep})
    plan.program = sorted({bank.sector_index(off) for off, _ in keep})
    merged: list[tuple[int, bytes]] = []
    for off, data in keep:
        if merged and merged[-1][0] + len(merged[-1][1]) == off:
            merged[-1] = (merged[-1][0], merged[-1][1] + data)
        else:
            merged.append((off, data))
    unit = driver.unit()
    plan.writes = [_pad_to_unit(off, data, unit, bank.default_padded_value) for off, data in merged]
    return plan


def _pad_to_unit(offset: int, data: bytes, unit: int, fill: int) -> tuple[int, bytes]:
    head = offset % unit
    tail = (-(offset + len(data))) % unit
    return offset - head, bytes([fill]) * head + data + bytes([fill]) * tail


def _writes_from(bank: FlashBank, sectors: dict[int, bytearray], unit: int, skip_ff: bool) -> list[tuple[int, bytes]]:
    """Contiguous (offset, data) writes covering the sectors' content, leaving out
    stretches of the erased value of FF_SPLIT bytes or more (already there after an
    erase); shorter stretches are programmed as part of the data around them."""
    writes: list[tuple[int, bytes]] = []
    ff_unit = bytes([bank.erased_value]) * unit
    for i in sorted(sectors):
        s = bank.sectors[i]
        content = bytes(sectors[i])
        spans: list[list[int]] = []  # [start, end) of units worth programming
        for pos in range(0, len(content), unit):
            if skip_ff and content[pos:pos + unit] == ff_unit:
                continue
            if spans and pos - spans[-1][1] < FF_SPLIT:
                spans[-1][1] = pos + unit
            else:
                spans.append([pos, pos + unit])
        for lo, hi in spans:
            offset = s.offset + lo
            piece = content[lo:hi]
            if writes and writes[-1][0] + len(writes[-1][1]) == offset:
                writes[-1] = (writes[-1][0], writes[-1][1] + piece)
            else:
                writes.append((offset, piece))
    return writes


def _execute(plan: BankPlan, meter: _Meter) -> None:
    bank = plan.bank
    driver = bank.driver
    if not (plan.erase or plan.mass or plan.writes):
        return
    meter.planned_bank(plan.program_bytes, plan.program_bytes)
    if hasattr(driver, "progress"):
        driver.progress = meter.callback()
    target = _bank_target(bank)
    try:
        with preserved_context(target):
            driver.erase_and_write(MASS if plan.mass else plan.erase, plan.writes)
    finally:
        if hasattr(driver, "progress"):
            driver.progress = None


def _mark(plan: BankPlan) -> None:
    bank = plan.bank
    for i in range(len(bank.sectors)) if plan.mass else plan.erase:
        bank.sectors[i].is_erased = 1
    for i in plan.program:
        bank.sectors[i].is_erased = 0


# -- verify ---------------------------------------------------------------------------------

def verify_image_flash(banks: list[FlashBank], image: Image) -> VerifyResult:
    """`flash verify_image`: each run OpenOCD would write, compared by on-target CRC."""
    started = time.monotonic()
    runs = build_runs(banks, image, erase=False, unlock=False)
    result = VerifyResult(sum(len(r.data) for r in runs), 0.0)
    with _preserving(banks):
        crcs = [run.bank.driver.checksums([(run.address, len(run.data))])[0] for run in runs]
    for run, crc in zip(runs, crcs, strict=True):
        if crc != host_crc(run.data):
            result.mismatches.append((run.bank, run.address, run.end))
            log.error(f"verify failed in bank at 0x{run.bank.base:08x} starting at 0x{run.offset:08x}")
            raise FlashError(_diff_sectors_text(run.bank, run))
    result.seconds = time.monotonic() - started
    return result


def _sector_pieces(bank: FlashBank, run: Run) -> list[tuple[int, int, bytes]]:
    """A run split at sector ends: (sector index, bank offset, data) each."""
    pieces = []
    for i in bank.sectors_for(run.offset, len(run.data)):
        s = bank.sectors[i]
        lo = max(run.offset, s.offset)
        hi = min(run.offset + len(run.data), s.end)
        pieces.append((i, lo, run.data[lo - run.offset:hi - run.offset]))
    return pieces


def _diff_sectors_text(bank: FlashBank, run: Run) -> str:
    """Which sectors of a run differ from the image (one more checksum pass)."""
    pieces = _sector_pieces(bank, run)
    try:
        crcs = bank.driver.checksums([(bank.base + lo, len(d)) for _, lo, d in pieces])
        bad = [i for (i, _, d), c in zip(pieces, crcs, strict=True) if c != host_crc(d)]
    except FlashError:
        bad = []
    if not bad:
        return "flash contents differ from the image"
    listed = ", ".join(f"{i} (0x{bank.base + bank.sectors[i].offset:08x})" for i in bad[:16])
    more = f" and {len(bad) - 16} more" if len(bad) > 16 else ""
    return (f"flash contents differ from the image in {len(bad)} sector(s) of bank #{bank.number}: "
            f"{listed}{more}; write the image again (flash write_image erase ...)")


def checksum_memory(target, ranges: list[tuple[int, int]]) -> list[int]:
    """CRC-32 of target memory ranges (flash or RAM), by the on-target routine."""
    with preserved_context(target):
        return crc_ranges(target, ranges)


# -- erase ------------------------------------------------------------------------------------

def erase_sectors(bank: FlashBank, first: int, last: int) -> None:
    """`flash erase_sector`: erases exactly those sectors (the whole bank: a mass erase)."""
    bank.auto_probe()
    bank.check_sector_range(first, last)
    with preserved_context(_bank_target(bank)):
        bank.driver.erase(first, last)


def erase_address(banks: list[FlashBank], address: int, length: int, pad: bool = False,
                  unlock: bool = False) -> None:
    """`flash erase_address [pad] [unlock] address length`, across banks."""
    if length <= 0:
        raise FlashError("Length must be >0")
    for bank in banks:
        bank.auto_probe()
        for s in bank.sectors:
            s.is_erased = 0 if s.is_erased == 1 else s.is_erased
    pos, end = address, address + length
    while pos < end:
        bank = bank_at(banks, pos)
        if bank is None:
            raise FlashError(f"No flash at address 0x{pos:08x}")
        chunk = min(end, bank.end) - pos
        first, last = erase_range(bank, pos, chunk, "erase" if pad else None)
        with preserved_context(_bank_target(bank)):
            if unlock:
                bank.driver.protect(False, *_block_range(bank, first, last))
            bank.driver.erase(first, last)
        pos += chunk


def _block_range(bank: FlashBank, first: int, last: int) -> tuple[int, int]:
    if not bank.prot_blocks:
        return first, last
    lo, hi = bank.sectors[first].offset, bank.sectors[last].end
    idx = [i for i, b in enumerate(bank.prot_blocks) if b.offset < hi and lo < b.end]
    return idx[0], idx[-1]


def erase_check(bank: FlashBank) -> None:
    bank.auto_probe()
    with preserved_context(_bank_target(bank)):
        bank.driver.erase_check()


# -- bank read / write / verify -------------------------------------------------------------------

def read_bank(bank: FlashBank, offset: int = 0, length: int | None = None,
              progress: Progress | None = None) -> bytes:
    """`flash read_bank`: `length` bytes from `offset` (default: to the end of the bank)."""
    bank.auto_probe()
    if offset > bank.size:
        raise FlashError(f"Offset 0x{offset:08x} is out of range of the flash bank")
    if length is None:
        length = bank.size - offset
    if offset + length > bank.size:
        raise FlashError(f"Length of {length} bytes with offset 0x{offset:08x} is out of range of "
                         f"the flash bank (bank #{bank.number} is 0x{bank.size:x} bytes)")
    out = bytearray()
    step = 16 * 1024
    for pos in range(offset, offset + length, step):
        n = min(step, offset + length - pos)
        out += bank.driver.read(pos, n)
        if progress:
            progress(len(out), length)
    return bytes(out)


def write_bank(bank: FlashBank, data: bytes, offset: int = 0) -> int:
    """`flash write_bank`: raw bytes at `offset`, padded to the bank's write alignment.
    Returns the number of file bytes written (the rest of the file is not)."""
    length = _file_length(bank, data, offset, "write to", "writing")
    if length:
        _write_padded(bank, bank.base + offset, data[:length], f"Start offset 0x{offset:08x}")
    return length


def _file_length(bank: FlashBank, data: bytes, offset: int, nothing_to: str, only: str) -> int:
    """How much of a file at `offset` the bank holds (write_bank, verify_bank), with
    OpenOCD's lines when that is nothing or less than the file."""
    bank.auto_probe()
    if offset > bank.size:
        raise FlashError(f"Offset 0x{offset:08x} is out of range of the flash bank")
    length = min(len(data), bank.size - offset)
    if not length:
        log.info(f"Nothing to {nothing_to} flash bank")
    elif length != len(data):
        log.info(f"File content exceeds flash bank size. Only {only} the first {length} bytes of the file")
    return length


def _write_padded(bank: FlashBank, start: int, data: bytes, start_text: str) -> None:
    """Write `data` at address `start`, padded out to the bank's write alignment with
    OpenOCD's lines (`start_text` names the start in the warning)."""
    aligned_start = bank.align_start(start)
    last = start + len(data) - 1
    aligned_end = bank.align_end(last)
    buf = bytearray()
    if aligned_start != start:
        log.warning(f"{start_text} breaks the required alignment of flash bank {bank.name}")
        log.warning(f"Padding {start - aligned_start} bytes from 0x{aligned_start:08x}")
        buf += bytes([bank.default_padded_value]) * (start - aligned_start)
    buf += data
    if aligned_end != last:
        log.info(f"Padding at 0x{last + 1:08x} with {aligned_end - last} bytes (bank write end alignment)")
        buf += bytes([bank.default_padded_value]) * (aligned_end - last)
    _write_raw(bank, aligned_start - bank.base, bytes(buf))


def _write_raw(bank: FlashBank, offset: int, data: bytes) -> None:
    driver = bank.driver
    unit = driver.unit()
    off, padded = _pad_to_unit(offset, data, unit, bank.default_padded_value)
    with preserved_context(_bank_target(bank)):
        driver.erase_and_write([], [(off, padded)])
    for i in bank.sectors_for(off, len(padded)):
        bank.sectors[i].is_erased = 0


def verify_bank(bank: FlashBank, data: bytes, offset: int = 0) -> tuple[int, list[tuple[int, int, int]]]:
    """`flash verify_bank`: compares the file with the bank from `offset`, for the file's
    length (never the whole bank: a read-back of the whole bank is bigger than the
    image and its checksum never matches the file's). Returns (bytes compared,
    [(address offset, flash byte, file byte)...] up to 129 differences)."""
    length = _file_length(bank, data, offset, "compare with", "comparing")
    if not length:
        return 0, []
    want = data[:length]
    with preserved_context(_bank_target(bank)):
        if bank.driver.checksums([(bank.base + offset, length)])[0] == host_crc(want):
            return length, []
    flash = bank.driver.read(offset, length)
    diffs = []
    for i, (a, b) in enumerate(zip(flash, want, strict=True)):
        if a != b:
            diffs.append((offset + i, a, b))
            if len(diffs) > 128:
                break
    return length, diffs


def fill(banks: list[FlashBank], address: int, pattern: int, count: int, wordsize: int) -> int:
    """`flash fillw/fillh/fillb`: `count` words of `pattern`, no erase; verified by
    reading back. Returns bytes written."""
    bank = bank_at(banks, address)
    if bank is None:
        raise FlashError(f"No flash at address 0x{address:08x}")
    if wordsize < 8 and pattern >> (8 * wordsize):
        raise FlashError(f"Fill pattern 0x{pattern:x} does not fit within {wordsize}-byte word")
    if count == 0:
        return 0
    size = count * wordsize
    if address + size > bank.end:
        raise FlashError("Cannot cross flash bank borders")
    data = pattern.to_bytes(wordsize, "little") * count
    _write_padded(bank, address, data, f"Start address 0x{address:08x}")
    back = bank.driver.read(address - bank.base, size)
    for i in range(0, size, wordsize):
        if back[i:i + wordsize] != data[i:i + wordsize]:
            got = int.from_bytes(back[i:i + wordsize], "little")
            raise FlashError(f"Verification error address 0x{address + i:08x}, read back 0x{got:02x}, "
                             f"expected 0x{pattern:02x}")
    return size

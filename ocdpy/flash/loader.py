"""Running a programming loader: upload, parameter block, checks, ring-buffer streaming.

The loaders (contrib/loaders/*.S, bytes in ocdpy.flash.loader_code) all take r0 = a
parameter block laid out as contrib/loaders/params.inc says. One upload and one start
do everything:

1. Checks (optional): the loader hashes the sectors the host lists and looks whether
   other ranges are blank (contrib/loaders/checks.inc), at core speed.
2. Steps: an erase entry (0 for none), an address and the number of bytes to program
   there, one step (or a few) per sector. With checks, the steps are made for the
   worst case (every touched sector erased and programmed) and each names its
   sector's check result: the loader skips a sector that already holds what the host
   expects (`ProgramJob.expect`) and programs a blank one without erasing it. The
   host reads the results while the first erase runs, works out the same decisions
   and streams only the data of the sectors that are programmed.
   When a mass erase might be better (`ProgramJob.wait`: the image covers the bank,
   or the rest of the bank is looked at and found blank) the loader waits instead for
   the steps `ProgramJob.planner` makes of the results, written in one memory write
   that ends with the GO word it polls.
3. The host fills the ring and keeps it topped up while the loader erases and
   programs, so USB/SWD transfers overlap flash operations.

A loader that reports a flash error raises `LoaderError` with the failing address and
the decoded status register; one that stops making progress or halts without
reporting (a fault) is halted and reported with the core state and what to try.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ocdpy import log
from ocdpy.errors import FlashError
from ocdpy.flash.target_api import CoreState, FlashTarget, start_routine, wait_for_halt

PARAM_WP, PARAM_RP, PARAM_STATUS, PARAM_ADDR, PARAM_SR = 0, 4, 8, 12, 16
PARAM_REGS, PARAM_BUF, PARAM_END = 20, 24, 28
PARAM_STACK, PARAM_SCRATCH, PARAM_CALLER_SP = 32, 36, 40
PARAM_STEPS, PARAM_NSTEPS, PARAM_CR = 44, 48, 52
PARAM_CHECKS, PARAM_NCHECKS, PARAM_RESULTS, PARAM_FLAG, PARAM_GO = 56, 60, 64, 68, 72
PARAM_WAIT, PARAM_EXPECT, PARAM_FOUND = 76, 80, 84
PARAM_GUARD, PARAM_GUARD_MASK, PARAM_GUARD_WANT = 88, 92, 96
PARAM_SIZE = 100
UNIT_SHIFT = 20  # a step's byte count carries 1 + its sector's check unit from this bit
MAX_STEP_BYTES = (1 << UNIT_SHIFT) - 1
ST_RUNNING, ST_DONE, ST_ERASE, ST_PROGRAM, ST_LOCKED, ST_PROTECTED = 0, 1, 2, 3, 4, 5
CHECK_HASH, CHECK_BLANK = 0, 1
CHECK_SIZE = 16  # bytes per check run: address, size, count, kind
STEP_SIZE = 12

STACK = 64  # the routine's own stack, after the ring (it saves the caller's registers there)
MIN_RING = 512
MAX_RING = 64 * 1024
# Ring top-ups (sized by _Pace): nothing smaller than CHUNK_MIN is sent while more is
# to come, but for the piece up to the ring's end.
CHUNK_MIN = 256
HEAD = 20  # wp, rp, status, address, status register: read when the loader failed
REPORTED = 0x80000000  # P_RP once the loader has finished: | status
# Instructions per 8 bytes of the check loops (checks.inc), and the slowest core clock
# a run may meet, for the check pass's timeout only.
CHECK_CYCLES_PER_8 = 11
SLOWEST_HZ = 4_000_000


class NoWorkAreaError(FlashError):
    """Not enough work area for a loader; the driver falls back to direct writes."""


class LoaderError(FlashError):
    """The loader reported a failed erase/program, or stopped without reporting."""

    def __init__(self, message: str, status: int = 0, address: int | None = None,
                 sr: int | None = None, core: CoreState | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.address = address
        self.sr = sr
        self.core = core


@dataclass
class CheckRun:
    """`count` units of `size` bytes from `address` to hash, or (blank=True) one range
    of `size` bytes to look at for anything but all ones (count 1)."""

    address: int
    size: int
    count: int = 1
    blank: bool = False

    def results(self) -> int:
        return 1 if self.blank else self.count


@dataclass
class CheckResults:
    """What the check pass found: per hashed unit, in the order of the runs, 0xffffffff
    if it is blank, else its sector hash (ocdpy.flash.checksum.check_value); and the
    AND of the words of each blank range up to and including the first one that is
    not blank (later ones were not looked at)."""

    units: list[int]
    blank_ranges: list[int]

    def all_blank(self, runs: int) -> bool:
        """True if all `runs` blank ranges were found blank."""
        return len(self.blank_ranges) >= runs and all(v == 0xFFFFFFFF for v in self.blank_ranges[:runs])


@dataclass
class ProgramJob:
    """One loader run: `steps` of (erase entry or 0, flash address, bytes to program
    there); `data` is what the steps program, concatenated in step order.

    With `checks`, the steps are the worst case and `step_units[i]` names the check
    unit (index among the hashed units) of step i's sector, or None; `expect[u]` is
    the hash unit u must have to be left alone. `planner(results)` is called once the
    check results are in; when the loader waits for a plan (`wait`, and the blank
    ranges all blank) its job (steps, data, erase_seconds) is what runs."""

    regs_base: int
    data: bytes
    unit: int  # bytes per programming operation: the ring moves in these
    steps: list[tuple[int, int, int]] = field(default_factory=list)
    extra_cr: int = 0
    erase_seconds: list[float] = field(default_factory=list)  # expected, per step
    unit_seconds: float = 0.0  # expected time to program one unit
    checks: list[CheckRun] = field(default_factory=list)
    step_units: list[int | None] = field(default_factory=list)
    expect: list[int] = field(default_factory=list)
    wait: bool = False
    plan_room: int = 0  # steps the planner's job may have (with `wait`)
    plan_data: int = 0  # bytes it may program (sizes the ring)
    planner: Callable[[CheckResults], ProgramJob] | None = None
    core_hz: float = 0.0  # the core clock to expect (for the first look at the checks)
    # (register, mask, value): the loader ends with ST_PROTECTED unless the masked
    # register reads the value (read-out protection), before it touches the flash.
    guard: tuple[int, int, int] | None = None

    def total_erase_seconds(self) -> float:
        return sum(self.erase_seconds)

    def after_checks(self, results: CheckResults) -> ProgramJob:
        """The job the loader carries out once it has checked (see checks.inc): steps
        of unchanged sectors left out, erases of blank ones dropped."""
        steps, chunks, erase_seconds = [], [], []
        pos = 0
        for i, (entry, address, count) in enumerate(self.steps):
            piece = self.data[pos:pos + count]
            pos += count
            unit = self.step_units[i] if i < len(self.step_units) else None
            if unit is not None:
                found = results.units[unit]
                if found == self.expect[unit]:
                    continue
                if found == 0xFFFFFFFF:
                    entry = 0
            steps.append((entry, address, count))
            chunks.append(piece)
            erase_seconds.append(self.erase_seconds[i] if entry else 0.0)
        return ProgramJob(self.regs_base, b"".join(chunks), self.unit, steps, self.extra_cr,
                          erase_seconds, self.unit_seconds)


@dataclass
class LoaderContext:
    """What error reports need from the driver: names and a status decoder."""

    what: str  # "stm32f1x" ...
    describe_sr: Callable[[int], str]
    sr_name: str = "FLASH_SR"
    sr_offset: int = 0x0C  # from the controller's register base
    progress: Callable[[int], None] | None = None


def _words(*values: int) -> bytes:
    return b"".join((v & 0xFFFFFFFF).to_bytes(4, "little") for v in values)


def _align(value: int, unit: int) -> int:
    return (value + unit - 1) // unit * unit


@dataclass
class _Layout:
    base: int
    params: int
    checks: int  # the check runs, then the expected hashes
    expect: int
    steps: int  # the steps given with the code
    flag: int  # the word the loader sets after the checks; results follow it
    plan: int  # the area the host's own steps end in, right before GO
    go: int
    ring_start: int
    ring_size: int
    stack_top: int

    @property
    def results(self) -> int:
        return self.flag + 4


def _layout(target: FlashTarget, code: bytes, job: ProgramJob) -> _Layout:
    """Allocate the work area: code | parameters | check runs | expected hashes |
    steps | flag | results | room for the host's steps | GO | ring | stack. What the
    loader reads first is one contiguous upload. NoWorkAreaError if it cannot hold a
    useful ring."""
    code_size = _align(len(code), 8)
    nresults = sum(c.results() for c in job.checks)
    plan_steps = job.plan_room if job.wait else 0
    fixed = (code_size + PARAM_SIZE + CHECK_SIZE * len(job.checks) + 4 * len(job.expect)
             + STEP_SIZE * len(job.steps) + 4 + 4 * nresults + STEP_SIZE * plan_steps + 4)
    fixed = _align(fixed, max(job.unit, 4))
    data_size = max(len(job.data), job.plan_data)
    # Ring positions stay word aligned, so every top-up is a plain 32-bit memory write.
    grain = max(job.unit, 4)
    want = _align(max(MIN_RING, min(MAX_RING, data_size + grain)), grain)
    available = target.work_area_free()
    ring = min(want, (available - fixed - job.unit - STACK) // grain * grain)
    if ring < max(MIN_RING, 2 * job.unit) and ring < data_size + job.unit:
        raise NoWorkAreaError(f"work area too small for the flash loader ({available} bytes free, "
                              f"{fixed + STACK + max(MIN_RING, 2 * job.unit)} needed)")
    for size in (ring, MIN_RING):
        total = fixed + size + job.unit + STACK  # slack to align the ring
        base = target.alloc_work_area(total)
        if base is None:
            continue
        params = base + code_size
        checks = params + PARAM_SIZE
        expect = checks + CHECK_SIZE * len(job.checks)
        steps = expect + 4 * len(job.expect)
        flag = steps + STEP_SIZE * len(job.steps)
        plan = flag + 4 + 4 * nresults
        go = plan + STEP_SIZE * plan_steps
        ring_start = _align(base + fixed, max(job.unit, 4))
        stack_top = (ring_start + size + STACK) & ~7
        return _Layout(base, params, checks, expect, steps, flag, plan, go, ring_start, size, stack_top)
    raise NoWorkAreaError("no work area could be allocated for the flash loader")


def run_program_job(target: FlashTarget, code: bytes, job: ProgramJob, ctx: LoaderContext) -> None:
    """Run one checks+erase+program job through `code` (see module docstring)."""
    _check_job(job)
    if any(n > MAX_STEP_BYTES for _, _, n in job.steps):
        raise FlashError(f"internal: a loader step programs at most {MAX_STEP_BYTES} bytes")
    layout = _layout(target, code, job)
    try:
        _run(target, code, job, ctx, layout)
    finally:
        target.free_work_area(layout.base)


def _check_job(job: ProgramJob) -> None:
    if len(job.data) % job.unit or sum(n for _, _, n in job.steps) != len(job.data):
        raise FlashError(f"internal: {len(job.data)} bytes do not match the steps or the "
                         f"{job.unit}-byte unit")


def _run(target: FlashTarget, code: bytes, job: ProgramJob, ctx: LoaderContext, lay: _Layout) -> None:
    code_size = _align(len(code), 8)
    ring_start, ring_end = lay.ring_start, lay.ring_start + lay.ring_size
    block = bytearray(code.ljust(code_size, b"\0"))
    block += _words(ring_start, ring_start, ST_RUNNING, 0, 0, job.regs_base, ring_start, ring_end,
                    lay.stack_top, 0, 0, lay.steps, len(job.steps), job.extra_cr,
                    lay.checks, len(job.checks), lay.results, lay.flag, lay.go,
                    1 if job.wait else 0, lay.expect, lay.results, *(job.guard or (0, 0, 0)))
    for c in job.checks:
        block += _words(c.address, c.size, c.count, CHECK_BLANK if c.blank else CHECK_HASH)
    block += _words(*job.expect)
    for i, (entry, address, count) in enumerate(job.steps):
        unit = job.step_units[i] if i < len(job.step_units) else None
        block += _words(entry, address, count | (0 if unit is None else (unit + 1) << UNIT_SHIFT))
    block += _words(0)  # the flag
    target.write_memory(lay.base, bytes(block))
    start_routine(target, lay.base, {"r0": lay.params})
    if job.checks or job.wait:
        results = _await_checks(target, job, ctx, lay)
        try:
            plan = job.planner(results) if job.planner else None
            blanks = sum(1 for c in job.checks if c.blank)
            waits = job.wait and results.all_blank(blanks)
            if waits:
                if plan is None:
                    raise FlashError("internal: the loader waits for a plan and there is none")
                _check_job(plan)
                if len(plan.steps) > job.plan_room:
                    raise FlashError(f"internal: the plan has {len(plan.steps)} steps, room for {job.plan_room}")
        except Exception:
            target.stop_algorithm()  # it would go on, or wait for a plan that never comes
            raise
        if waits:
            first = lay.go - STEP_SIZE * len(plan.steps)
            target.write_memory(first, _words(*(w for step in plan.steps for w in step), len(plan.steps) + 1))
            job = plan
        else:
            job = job.after_checks(results)
    _stream(target, job, ctx, lay)


def _await_checks(target: FlashTarget, job: ProgramJob, ctx: LoaderContext, lay: _Layout) -> CheckResults:
    """Wait for the check pass to end; return its results. The first look, when the
    pass should be over at the expected core clock, reads the flag and the results
    together; later looks read the flag alone (a single word is one probe command)."""
    nresults = sum(c.results() for c in job.checks)
    checked = sum(c.size * c.count for c in job.checks if not c.blank)
    cycles = checked / 8 * CHECK_CYCLES_PER_8
    budget = 0.5 + 3.0 * (cycles + sum(c.size for c in job.checks if c.blank)) / SLOWEST_HZ
    started, wall = target.now(), time.monotonic()
    if job.core_hz:
        target.wait(cycles / job.core_hz)
    raw = target.read_memory(lay.flag, 4 + 4 * nresults)
    while int.from_bytes(raw[:4], "little") != 1:
        if target.read_u32(lay.flag) == 1:
            raw = target.read_memory(lay.flag, 4 + 4 * nresults)
            break
        elapsed = target.now() - started
        if elapsed > 0.01 + cycles / SLOWEST_HZ:
            state = target.algorithm_state()
            if state is not None:
                # Ended before checking: it found the part protected, or it faulted.
                rp = target.read_u32(lay.params + PARAM_RP)
                if rp & REPORTED:
                    _finish(target, rp & 0xFF, lay.params, ctx, job)
                raise _fault_error(target, ctx, state, 0)
        if elapsed > budget or time.monotonic() - wall > 60 + 20 * budget:
            state = target.stop_algorithm()
            raise LoaderError(f"{ctx.what}: the flash loader did not finish checking {checked} bytes; "
                              f"core: {state.describe()}. Run `reset halt` and try again",
                              0, None, None, state)
    values = [int.from_bytes(raw[i:i + 4], "little") for i in range(4, 4 + 4 * nresults, 4)]
    units: list[int] = []
    blanks: list[int] = []
    pos = 0
    for c in job.checks:
        if c.blank:
            blanks.append(values[pos])
            pos += 1
            if values[pos - 1] != 0xFFFFFFFF:
                break  # the loader stopped looking here
        else:
            units += values[pos:pos + c.count]
            pos += c.count
    return CheckResults(units, blanks)


def _stream(target: FlashTarget, job: ProgramJob, ctx: LoaderContext, lay: _Layout) -> None:
    """Feed the ring until the loader reports; see the module docstring."""
    params = lay.params
    ring_start, ring_size = lay.ring_start, lay.ring_size
    ring_end = ring_start + ring_size
    data = job.data
    total = len(data)
    wp = ring_start
    sent = 0

    # Budget: the datasheet's typical figures with a wide margin (maximums are about
    # twice typical), measured on the clock the target gives (modeled in a sim). A
    # step's erase may come at any point of the stream.
    longest_erase = max(job.erase_seconds, default=0.0)
    unit_budget = max(20.0 * job.unit_seconds, 0.002)
    stall_limit = 3.0 * longest_erase + 64 * unit_budget + 0.5
    started = target.now()
    wall_start = time.monotonic()
    wall_limit = 60.0 + 20.0 * (job.total_erase_seconds() + job.unit_seconds * total / job.unit)
    last_rp, last_move = ring_start, started
    last_step_count = len(job.steps)
    last_check = started
    programmed = 0
    pace = _Pace()
    grain = max(job.unit, 4)
    link_bound = False
    eat = job.unit / job.unit_seconds if job.unit_seconds else 0.0  # datasheet bytes/s
    # Nothing to program: the loader only erases, so look again only when it may be done.
    if not total and job.erase_seconds:
        target.wait(0.9 * job.total_erase_seconds())

    while True:
        # One word tells both: the ring read pointer, or 0x80000000 | status at the end.
        rp = target.read_u32(params + PARAM_RP)
        if rp & REPORTED:
            _finish(target, rp & 0xFF, params, ctx, job)
            if ctx.progress:
                ctx.progress(total)
            return
        now = target.now()
        step_count = last_step_count
        if now - last_move > 0.1:  # an erase-only stretch moves no data: look at the steps
            step_count = target.read_u32(params + PARAM_NSTEPS)
        if rp != last_rp and sent < total and (wp - rp) % ring_size < CHUNK_MIN:
            link_bound = True  # the loader used up all it had: data is what it waits for
        if rp != last_rp or step_count != last_step_count:
            moved = (rp - last_rp) % ring_size
            programmed += moved
            last_rp, last_move, last_step_count = rp, now, step_count
            if ctx.progress:
                ctx.progress(programmed)
        if now - last_move > stall_limit or time.monotonic() - wall_start > wall_limit:
            _stalled(target, ctx, job, programmed, params)
        if sent < total:
            # Up to the ring's end at most: a top-up is one memory write, never two.
            free = min((rp - wp - grain) % ring_size, ring_end - wp)
            queued = (wp - rp) % ring_size
            paced = pace.size(total - sent)
            want = min(free, total - sent, paced)
            if want < total - sent:
                want -= want % grain
            # With half the ring queued the loader has time: wait for a gap of a quarter
            # of it and move that in one go, rather than paying per-command overhead on
            # slivers (on a slow link, small top-ups move less than the loader uses).
            # Once the loader has had to wait for data, the link is the slower side and
            # must never idle.
            sliver = (not link_bound and want < ring_size // 4 and queued > ring_size // 2
                      and wp + want != ring_end)
            if want > 0 and (want >= CHUNK_MIN or want == total - sent or wp + want == ring_end) and not sliver:
                t0 = target.now()
                target.write_memory(wp, data[sent:sent + want])
                if want >= 1024 and eat and want / max(target.now() - t0, 1e-9) < 1.2 * eat:
                    link_bound = True  # the link moves data slower than the flash takes it
                wp += want
                if wp >= ring_end:
                    wp = ring_start
                target.write_u32(params + PARAM_WP, wp)
                if want == paced:  # one cut short by the ring's end or fill sets no pace
                    pace.sent(want)
                sent += want
                continue
        if now - last_move > 0.05 and now - last_check > 0.05:
            last_check = now
            state = target.algorithm_state()
            if state is not None:
                # Halted without a status: it faulted (or hit someone else's breakpoint).
                rp = target.read_u32(params + PARAM_RP)
                if rp & REPORTED:
                    _finish(target, rp & 0xFF, params, ctx, job)
                    return
                raise _fault_error(target, ctx, state, programmed)


class _Pace:
    """How big a ring top-up may be, without clocks (a host's clock says little about a
    virtual chip's time, and the link's speed is not known here): the first is small,
    so the loader starts at once, each next one twice the last, so a slow link moves
    data in big pieces with few commands; towards the end at most half of what is
    left, so the loader does not program a big last piece alone after the link has
    gone quiet. The ring's free space limits them all."""

    def __init__(self) -> None:
        self.last = 0

    def size(self, remaining: int) -> int:
        want = 2 * self.last if self.last else CHUNK_MIN
        if remaining > 2 * CHUNK_MIN:
            want = min(want, max(CHUNK_MIN, remaining // 2))
        return max(want, CHUNK_MIN)

    def sent(self, nbytes: int) -> None:
        self.last = nbytes


def _finish(target: FlashTarget, status: int, params: int, ctx: LoaderContext, job: ProgramJob) -> None:
    # The loader ends on BKPT right after reporting; make sure it got there.
    if status == ST_DONE:
        if not wait_for_halt(target, 3.0 * max(job.erase_seconds, default=0.0) + 1.0):
            target.stop_algorithm()
        return
    state = target.algorithm_state() or target.stop_algorithm()
    head = target.read_memory(params, HEAD)
    address = int.from_bytes(head[PARAM_ADDR:PARAM_ADDR + 4], "little")
    sr = int.from_bytes(head[PARAM_SR:PARAM_SR + 4], "little")
    decoded = ctx.describe_sr(sr)
    if status == ST_PROTECTED:
        raise LoaderError(f"{ctx.what}: the flash is read-out protected", status, None, sr, state)
    if status == ST_LOCKED:
        raise LoaderError(f"{ctx.what}: the flash controller stayed locked after the unlock keys "
                          f"(FLASH_CR 0x{sr:08x}); a wrong key sequence locks it until the next "
                          "reset: run `reset halt` and try again", status, None, sr, state)
    if status == ST_ERASE:
        where = _erase_entry_text(address, job)
        raise LoaderError(f"{ctx.what}: erasing {where} failed: {ctx.sr_name} 0x{sr:08x} ({decoded})",
                          status, address, sr, state)
    if status == ST_PROGRAM:
        raise LoaderError(f"{ctx.what}: programming failed at address 0x{address:08x}: "
                          f"{ctx.sr_name} 0x{sr:08x} ({decoded})", status, address, sr, state)
    raise LoaderError(f"{ctx.what}: the flash loader returned an unknown status {status}; "
                      f"core: {state.describe()}", status, address, sr, state)


def _erase_entry_text(entry: int, job: ProgramJob) -> str:
    if entry == 0xFFFFFFFF:
        return "the whole flash (mass erase)"
    if entry >= 0x08000000:
        return f"the page at 0x{entry:08x}"
    return f"erase step 0x{entry:x}"


def _stalled(target: FlashTarget, ctx: LoaderContext, job: ProgramJob, programmed: int,
             params: int) -> None:
    state = target.stop_algorithm()
    sr_text = ""
    try:
        sr = target.read_u32(job.regs_base + ctx.sr_offset)
        sr_text = f"; {ctx.sr_name} 0x{sr:08x} ({ctx.describe_sr(sr)})"
    except FlashError:
        pass
    except Exception as exc:  # noqa: BLE001 - the report must go out whatever the probe does
        log.debug(f"reading the flash status after a stalled loader failed: {exc}")
    raise LoaderError(
        f"{ctx.what}: the flash loader stopped making progress after {programmed} of "
        f"{len(job.data)} bytes; core: {state.describe()}{sr_text}. Try: `reset halt` and "
        "flash again; lower `adapter speed`; if it repeats, `flash write_image` with a "
        "smaller work area (`$_TARGETNAME configure -work-area-size 0`) programs without "
        "the loader", 0, None, None, state)


def _fault_error(target: FlashTarget, ctx: LoaderContext, state: CoreState, programmed: int) -> LoaderError:
    return LoaderError(
        f"{ctx.what}: the flash loader stopped before finishing ({programmed} bytes programmed); "
        f"core: {state.describe()}. The loader's RAM may be in use by something else or "
        "the core faulted: run `reset halt` before flashing, and check that the work "
        "area (-work-area-phys/-size) is RAM on this part", 0, None, None, state)

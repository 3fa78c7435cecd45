"""Running a programming loader: upload, parameter block, ring-buffer streaming.

The loaders (contrib/loaders/*.S, bytes in ocdpy.flash.loader_code) all take r0 = a
parameter block laid out as contrib/loaders/params.inc says. The work area holds, in
order: the code, the parameter block, the step list and the ring. A step is an erase
entry (0 for none), an address and the number of bytes to program there; with one
step per sector the loader erases a sector, programs it, erases the next... The code, the
parameters and the steps go in one memory write, the loader starts at once, and the
host fills the ring and keeps it topped up while the loader erases and programs, so
USB/SWD transfers overlap flash operations.

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
PARAM_REGS, PARAM_BUF, PARAM_END, PARAM_DEST, PARAM_COUNT = 20, 24, 28, 32, 36
PARAM_STEPS, PARAM_NSTEPS, PARAM_CR = 40, 44, 48
PARAM_SIZE = 52
ST_RUNNING, ST_DONE, ST_ERASE, ST_PROGRAM, ST_LOCKED = 0, 1, 2, 3, 4

STACK = 64  # below the parameter block; the routines save their registers there
MIN_RING = 512
MAX_RING = 64 * 1024
# Ring top-ups start small, so the loader gets data as soon as possible, and grow with
# what is already queued ahead of it, so a fast link is not throttled by per-command
# overhead. Nothing smaller than CHUNK_MIN is sent while more is to come.
CHUNK_MIN = 256
HEAD = 20  # wp, rp, status, address, status register: what each poll reads


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
class ProgramJob:
    """One loader run: `steps` of (erase entry or 0, flash address, bytes to program
    there); `data` is what the steps program, concatenated in step order."""

    regs_base: int
    data: bytes
    unit: int  # bytes per programming operation: the ring moves in these
    steps: list[tuple[int, int, int]] = field(default_factory=list)
    extra_cr: int = 0
    erase_seconds: list[float] = field(default_factory=list)  # expected, per step
    unit_seconds: float = 0.0  # expected time to program one unit

    def total_erase_seconds(self) -> float:
        return sum(self.erase_seconds)


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


def _layout(target: FlashTarget, code: bytes, job: ProgramJob) -> tuple[int, int, int]:
    """Allocate the work area: (base, ring start, ring size) or NoWorkAreaError."""
    code_size = (len(code) + 7) & ~7
    fixed = code_size + STACK + PARAM_SIZE + 12 * len(job.steps)
    fixed = (fixed + job.unit - 1) // job.unit * job.unit if job.unit > 4 else (fixed + 3) & ~3
    want = max(MIN_RING, min(MAX_RING, len(job.data) + job.unit))
    want = (want + job.unit - 1) // job.unit * job.unit
    available = target.work_area_free()
    ring = min(want, (available - fixed - job.unit) // job.unit * job.unit)
    if ring < max(MIN_RING, 2 * job.unit) and ring < len(job.data) + job.unit:
        raise NoWorkAreaError(f"work area too small for the flash loader ({available} bytes free, "
                              f"{fixed + max(MIN_RING, 2 * job.unit)} needed)")
    for size in (ring, MIN_RING):
        total = fixed + size + job.unit  # slack to align the ring
        base = target.alloc_work_area(total)
        if base is not None:
            ring_start = base + fixed
            if job.unit > 4:
                ring_start = (ring_start + job.unit - 1) // job.unit * job.unit
            return base, ring_start, size
    raise NoWorkAreaError("no work area could be allocated for the flash loader")


def run_program_job(target: FlashTarget, code: bytes, job: ProgramJob, ctx: LoaderContext) -> None:
    """Run one erase+program job through `code` (see module docstring)."""
    if len(job.data) % job.unit or sum(n for _, _, n in job.steps) != len(job.data):
        raise FlashError(f"internal: {len(job.data)} bytes do not match the steps or the "
                         f"{job.unit}-byte unit")
    base, ring_start, ring_size = _layout(target, code, job)
    try:
        _run(target, code, job, ctx, base, ring_start, ring_size)
    finally:
        target.free_work_area(base)


def _run(target: FlashTarget, code: bytes, job: ProgramJob, ctx: LoaderContext,
         base: int, ring_start: int, ring_size: int) -> None:
    code_size = (len(code) + 7) & ~7
    params = base + code_size + STACK
    steps = params + PARAM_SIZE
    ring_end = ring_start + ring_size
    data = job.data
    total = len(data)

    wp = ring_start
    block = bytearray(code.ljust(code_size + STACK, b"\0"))
    first_dest = next((a for _, a, n in job.steps if n), 0)
    block += _words(wp, ring_start, ST_RUNNING, 0, 0, job.regs_base, ring_start, ring_end,
                    first_dest, total, steps, len(job.steps), job.extra_cr)
    block += _words(*(w for step in job.steps for w in step))
    target.write_memory(base, bytes(block))
    start_routine(target, base, {"r0": params, "sp": params})
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

    while True:
        idle = target.now() - last_move > 0.1
        head = target.read_memory(params, PARAM_SIZE if idle else HEAD)
        rp = int.from_bytes(head[4:8], "little")
        status = int.from_bytes(head[8:12], "little")
        step_count = (int.from_bytes(head[PARAM_NSTEPS:PARAM_NSTEPS + 4], "little") if idle
                      else last_step_count)
        if status != ST_RUNNING:
            _finish(target, status, head, ctx, job)
            if ctx.progress:
                ctx.progress(total)
            return
        now = target.now()
        if rp != last_rp or step_count != last_step_count:
            moved = (rp - last_rp) % ring_size
            programmed += moved
            pace.consumed(moved, now - last_move)
            last_rp, last_move, last_step_count = rp, now, step_count
            if ctx.progress:
                ctx.progress(programmed)
        if now - last_move > stall_limit or time.monotonic() - wall_start > wall_limit:
            _stalled(target, ctx, job, programmed, params)
        if sent < total:
            free = (rp - wp - job.unit) % ring_size
            queued = (wp - rp) % ring_size
            want = min(free, total - sent, max(CHUNK_MIN, pace.limit(queued, free)))
            want -= want % job.unit
            # With plenty queued, wait for a real gap rather than paying the per-command
            # overhead on slivers.
            sliver = want < ring_size // 8 and queued > ring_size // 2
            if want > 0 and (want >= CHUNK_MIN or want == total - sent) and not sliver:
                t0 = target.now()
                wp = _push(target, data, sent, want, wp, ring_start, ring_end)
                target.write_u32(params + PARAM_WP, wp)
                pace.sent(want, target.now() - t0)
                sent += want
                continue
        if now - last_move > 0.05 and now - last_check > 0.05:
            last_check = now
            state = target.algorithm_state()
            if state is not None:
                # Halted without a status: it faulted (or hit someone else's breakpoint).
                head = target.read_memory(params, PARAM_SIZE)
                status = int.from_bytes(head[8:12], "little")
                if status != ST_RUNNING:
                    _finish(target, status, head, ctx, job)
                    return
                raise _fault_error(target, ctx, state, programmed)


class _Pace:
    """How big a ring top-up may be: its transfer must end before the loader has used
    up what is queued, at the fastest rate the loader was seen to take data and the
    rate the link was seen to move it (both measured as the run goes)."""

    def __init__(self) -> None:
        self.link_bytes = 0
        self.link_seconds = 0.0
        self.consume_rate = 0.0  # bytes per second, the highest seen

    def sent(self, nbytes: int, seconds: float) -> None:
        self.link_bytes += nbytes
        self.link_seconds += max(seconds, 0.0)

    def consumed(self, nbytes: int, seconds: float) -> None:
        if nbytes and seconds > 0:
            self.consume_rate = max(self.consume_rate, nbytes / seconds)

    def limit(self, queued: int, free: int) -> int:
        if not self.consume_rate or not self.link_seconds:
            return queued
        link_rate = self.link_bytes / self.link_seconds
        if link_rate < 1.2 * self.consume_rate:
            # The link is the bottleneck: the loader will wait for data whatever we do,
            # so move it in the biggest pieces (least overhead per byte).
            return free
        return int(0.8 * queued / self.consume_rate * link_rate)


def _push(target: FlashTarget, data: bytes, sent: int, count: int, wp: int,
          ring_start: int, ring_end: int) -> int:
    first = min(count, ring_end - wp)
    target.write_memory(wp, data[sent:sent + first])
    wp += first
    if wp >= ring_end:
        wp = ring_start
    rest = count - first
    if rest:
        target.write_memory(wp, data[sent + first:sent + count])
        wp += rest
    return wp


def _finish(target: FlashTarget, status: int, head: bytes, ctx: LoaderContext, job: ProgramJob) -> None:
    # The loader ends on BKPT right after writing its status; make sure it got there.
    if status == ST_DONE:
        if not wait_for_halt(target, 3.0 * max(job.erase_seconds, default=0.0) + 1.0):
            target.stop_algorithm()
        return
    state = target.algorithm_state() or target.stop_algorithm()
    address = int.from_bytes(head[12:16], "little")
    sr = int.from_bytes(head[16:20], "little")
    decoded = ctx.describe_sr(sr)
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

"""What a flash driver needs from the target it programs, and nothing more.

Flash drivers and the programming engine talk to a `FlashTarget`: memory reads and
writes of every width, the core state, a work area in RAM, and "run this routine at
address A with r0 = X until it hits BKPT". The debug domain's Cortex-M target provides
these (see `adapt()`); tests and benchmarks can use `ocdpy.flash.simtarget`, which
drives a virtual chip directly.

Addresses and values are unsigned 32-bit. Errors are `ocdpy.errors` types: a faulting
access raises `TransferFaultError` with the address.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

# Core register names as `read_core_register` takes them.
CORE_REGISTERS = ("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10",
                  "r11", "r12", "sp", "lr", "pc", "xpsr", "msp", "psp")

# Cortex-M CPUID part numbers (CPUID[15:4]) the drivers care about.
PARTNO_M0, PARTNO_M0P, PARTNO_M3, PARTNO_M4, PARTNO_M7, PARTNO_M23 = (
    0xC20, 0xC60, 0xC23, 0xC24, 0xC27, 0xD20)
ARMV6M_PARTS = {PARTNO_M0, PARTNO_M0P, PARTNO_M23}


@dataclass
class CoreState:
    """The core as seen after an algorithm stopped or was stopped: what a report needs."""

    halted: bool
    pc: int | None = None
    xpsr: int | None = None
    registers: dict[str, int] = field(default_factory=dict)
    reason: str = ""  # "breakpoint", "fault", "halt request", "lockup", "running", ...

    def describe(self) -> str:
        parts = []
        if self.pc is not None:
            parts.append(f"pc 0x{self.pc:08x}")
        if self.xpsr is not None:
            parts.append(f"xPSR 0x{self.xpsr:08x}")
            exc = self.xpsr & 0x1FF
            if exc:
                parts.append(f"in exception {exc} ({_exception_name(exc)})")
        if self.reason:
            parts.append(self.reason)
        return ", ".join(parts) if parts else "core state unknown"


def _exception_name(number: int) -> str:
    names = {2: "NMI", 3: "HardFault", 4: "MemManage", 5: "BusFault", 6: "UsageFault",
             11: "SVCall", 14: "PendSV", 15: "SysTick"}
    return names.get(number, f"IRQ {number - 16}" if number >= 16 else "reserved")


@runtime_checkable
class FlashTarget(Protocol):
    """The target operations flash code uses. See the module docstring."""

    name: str

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes:
        """`size` bytes from `address` with `width`-byte accesses (1, 2 or 4)."""

    def write_memory(self, address: int, data: bytes, width: int = 4) -> None:
        """Write `data` at `address` with `width`-byte accesses (1, 2 or 4)."""

    def read_u32(self, address: int) -> int: ...

    def write_u32(self, address: int, value: int) -> None: ...

    def is_halted(self) -> bool: ...

    def core_partno(self) -> int:
        """CPUID part number (0xC23 Cortex-M3, ...), or 0 when unknown."""

    def target_voltage(self) -> float | None:
        """Volts on the probe's target-voltage pin, None if the probe cannot tell."""

    # work area -----------------------------------------------------------------

    def work_area_free(self) -> int:
        """Bytes of the largest work-area block that could be allocated now."""

    def alloc_work_area(self, size: int) -> int | None:
        """Reserve `size` bytes (4-aligned) of work area; its address, or None."""

    def free_work_area(self, address: int) -> None: ...

    # algorithms ----------------------------------------------------------------

    def start_algorithm(self, entry: int, registers: dict[str, int]) -> None:
        """Set `registers` (names from CORE_REGISTERS) and pc = `entry` (Thumb), make
        a fault halt the core, and resume. The target must be halted."""

    def algorithm_state(self) -> CoreState | None:
        """None while the algorithm runs; the core state once it has halted."""

    def stop_algorithm(self) -> CoreState:
        """Halt the core (if it still runs) and return its state."""

    def read_core_register(self, name: str) -> int: ...

    # Optional, used when present (see preserved_context and wait_for_halt):
    #   write_core_register(name, value)       set one register now
    #   restore_core_registers({name: value})  the values registers must have when the
    #       core next runs (may be kept as dirty cache entries until then)
    #   routine_halted() -> bool                a cheap "has the routine hit its BKPT"
    #       (one DHCSR read, no context load), checked after the routine reported done

    # time ----------------------------------------------------------------------

    def now(self) -> float:
        """A monotonic clock in seconds (wall time on hardware, modeled time in a sim)."""

    def wait(self, seconds: float) -> None:
        """Let time pass while polling (sleep on hardware, advance a simulation)."""


# What a routine run leaves changed: the routines park the caller's sp and keep every
# other register and the flags themselves (contrib/loaders/frame.inc), so only r0 (the
# block they were given) and pc need giving back. A routine stopped half-way may also
# leave sp and xPSR changed; those are put back too then.
CONTEXT_REGISTERS = ("r0", "pc")
FAULT_REGISTERS = ("sp", "xpsr")
_saved: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@contextmanager
def preserved_context(target: FlashTarget) -> Iterator[None]:
    """Around a flash operation: the core registers the routines change are given back
    at the end, through `target.restore_core_registers(values)` when the target has it
    (it may keep them as dirty until the core next runs, as OpenOCD does) or else
    `write_core_register` for each."""
    if target in _saved:  # nested: the outer operation restores
        yield
        return
    _saved[target] = None
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        saved = _saved.pop(target, None)
        if saved:
            values = {n: v for n, v in saved.items() if failed or n in CONTEXT_REGISTERS}
            _restore(target, values)


def _restore(target: FlashTarget, values: dict[str, int]) -> None:
    restore = getattr(target, "restore_core_registers", None)
    writer = getattr(target, "write_core_register", None)
    try:
        if restore is not None:
            restore(values)
        elif writer is not None:
            for name, value in values.items():
                writer(name, value)
    except Exception as exc:  # noqa: BLE001 - never hide the operation's own error
        from ocdpy import log

        log.debug(f"could not restore the core registers after a flash routine: {exc}")


def start_routine(target: FlashTarget, entry: int, registers: dict[str, int]) -> None:
    """`target.start_algorithm`, saving the context first inside preserved_context."""
    if target in _saved and _saved[target] is None and (
            hasattr(target, "write_core_register") or hasattr(target, "restore_core_registers")):
        _saved[target] = {name: target.read_core_register(name)
                          for name in CONTEXT_REGISTERS + FAULT_REGISTERS}
    target.start_algorithm(entry, registers)


def routine_halted(target: FlashTarget) -> bool:
    """Has the routine reached its BKPT? The target's cheap check (one DHCSR read,
    `routine_halted()`) when it has one, else `is_halted()`."""
    cheap = getattr(target, "routine_halted", None)
    return bool(cheap()) if cheap is not None else target.is_halted()


def wait_for_halt(target: FlashTarget, budget: float) -> bool:
    """After a routine reported that it is done, wait (up to `budget` seconds of target
    time) for the core to reach the routine's BKPT. True if it did."""
    deadline = target.now() + budget
    step = 0.0005
    for _ in range(10_000):
        if routine_halted(target):
            return True
        if target.now() > deadline:
            return False
        target.wait(step)
        step = min(step * 2, 0.05)
    return False


def is_armv6m(target: FlashTarget) -> bool:
    """True for cores without Thumb-2 (Cortex-M0/M0+/M23): they get the v6-M loaders."""
    try:
        return target.core_partno() in ARMV6M_PARTS
    except Exception:  # noqa: BLE001 - an unknown core gets the portable loader
        return True


def adapt(target: object) -> FlashTarget:
    """Return `target` as a FlashTarget: itself if it already is one, else the object
    its `flash_target()` method gives (the debug domain's Cortex-M provides that)."""
    if isinstance(target, FlashTarget):
        return target
    factory = getattr(target, "flash_target", None)
    if callable(factory):
        adapted = factory()
        if isinstance(adapted, FlashTarget):
            return adapted
    from ocdpy.errors import TargetError

    raise TargetError(f"target {getattr(target, 'name', target)!r} cannot run flash operations "
                      "(it offers no memory access and algorithm support)")

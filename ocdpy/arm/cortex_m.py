"""A Cortex-M core under debug: examine, poll, halt/resume/step, registers, reset,
breakpoints, watchpoints and memory, over any MEM-AP-like memory port.

The same code serves both probe levels. Over a DAP-level probe `mem` is a `MemAP`
and core registers go through DCRSR/DCRDR; over a high-level probe (ST-Link hla) `mem`
is a `HlaMemAP` and the probe's own commands are used where they save round trips
(all core registers in one command, a debug register word in one command, the
probe's system-reset command). Behaviour follows OpenOCD 0.12's cortex_m/hla targets:
state machine, debug reasons, reset with vector catch, breakpoint handling at the
resume address. Nothing here prints: lines OpenOCD logs go through `ocdpy.log`,
and `on_event` tells the target layer about halted/resumed transitions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ocdpy import log
from ocdpy.adapter.base import Adapter, HlaAccess, ResetConfig
from ocdpy.errors import (
    ProbeError,
    TargetConnectionError,
    TargetError,
    TargetNotHaltedError,
    TransferFaultError,
)

from . import armv7m as V7
from .breakpoints import (
    Breakpoint,
    Dwt,
    Fpb,
    Watchpoint,
    set_software_breakpoint,
    unset_software_breakpoint,
)
from .cpuid import FPU_SIGNATURES, CorePart, Cpuid
from .work_area import WorkAreaAllocator

STEP_POLLS = 50
ISR_MASKING_MODES = ("auto", "off", "on", "steponly")
REGRDY_POLLS = 10
SOFT_RESET_TIMEOUT_S = 0.1
# Registers `restore_registers` may leave dirty: r0-r12, lr, pc, xPSR (not SP, which
# aliases MSP/PSP, nor the packed special registers).
LAZY_REGSELS = frozenset((*range(13), 14, 15, V7.REGSEL_XPSR))


class MemoryPort(Protocol):
    """What the core needs from its access port (`MemAP`, `HlaMemAP`)."""

    hla: HlaAccess | None
    tar_autoincr_block: int

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes: ...
    def write_memory(self, address: int, data: bytes, width: int = 4) -> None: ...
    def read_u32(self, address: int) -> int: ...
    def write_u32(self, address: int, value: int) -> None: ...


class TargetState(StrEnum):
    UNKNOWN = "unknown"
    RUNNING = "running"
    HALTED = "halted"
    RESET = "reset"
    DEBUG_RUNNING = "debug-running"


class DebugReason(StrEnum):
    """Why the core halted, with the names OpenOCD prints ("halted due to ...")."""

    DBGRQ = "debug-request"
    BREAKPOINT = "breakpoint"
    WATCHPOINT = "watchpoint"
    WPTANDBKPT = "watchpoint-and-breakpoint"
    SINGLESTEP = "single-step"
    NOTHALTED = "target-not-halted"
    UNDEFINED = "undefined"


@dataclass(frozen=True)
class CoreInfo:
    """What examine found."""

    cpuid: int
    part: CorePart
    variant: int
    revision: int
    fpu: str | None  # "FPv4_SP", "FPv5_SP", "FPv5_DP"
    num_breakpoints: int  # FPB code comparators
    num_literal: int
    fpb_revision: int  # 0: FPB v1, 1: FPB v2
    num_watchpoints: int

    @property
    def name(self) -> str:
        return self.part.name


class CortexM:
    """One Cortex-M core. `name` is the target name OpenOCD prefixes its lines with."""

    def __init__(self, name: str, mem: MemoryPort, adapter: Adapter | None = None,
                 reset_config: ResetConfig | None = None, soft_reset: str = "sysresetreq",
                 on_event: Callable[[str], None] | None = None) -> None:
        self.name = name
        self.mem = mem
        self.adapter = adapter
        if reset_config is None:
            reset_config = getattr(adapter, "reset_config", None) or ResetConfig()
        self.reset_config = reset_config
        if soft_reset not in ("sysresetreq", "vectreset"):
            raise TargetError(f"cortex_m reset_config {soft_reset}: use sysresetreq or vectreset")
        self.soft_reset = soft_reset
        self.on_event = on_event
        self.state = TargetState.UNKNOWN
        self.debug_reason = DebugReason.NOTHALTED
        self.dfsr = 0  # DFSR at the last halt: what actually stopped the core
        self.examined = False
        self.info: CoreInfo | None = None
        self.fpb = Fpb(mem, name)
        self.dwt = Dwt(mem, name)
        self.breakpoints: list[Breakpoint] = []
        self.watchpoints: list[Watchpoint] = []
        self.demcr_user = 0  # vector catch bits asked for by the user
        self.isr_masking = "auto"  # `cortex_m maskisr`: auto, off, on or steponly
        self.exception_number = 0
        self.core_mode = "Thread"
        self.maskints_erratum = False
        self.lockup_cleared = False
        self.work_areas: WorkAreaAllocator | None = None
        self._regs: dict[int, int] = {}  # REGSEL -> value, valid while halted
        # Cached values not written to the core yet (OpenOCD's dirty registers): written
        # before the core runs again, dropped by a reset.
        self._dirty: set[int] = set()
        self._dhcsr = 0
        self._maskints = False  # C_MASKINTS as last written or read
        self._demcr: int | None = None  # DEMCR as last written (None: unknown)
        self._dfsr_stale = False  # DFSR holds a halt reason nobody read (a routine's BKPT)
        # Bumped whenever the core may have run or been reset: what is known about it
        # from before (e.g. a routine's Thumb state) is stale then.
        self.run_count = 0
        self._flash_target = None
        self._sticky = 0  # S_RESET_ST/S_RETIRE_ST seen since the last poll
        self._in_reset = False
        self._reset_halt = False
        self._srst_used = False
        self._reconnect_pending = False

    # -- helpers -----------------------------------------------------------------------

    def configure_work_area(self, base: int, size: int, backup: bool = False) -> None:
        """The RAM `-work-area-phys/-work-area-size/-work-area-backup` lend to algorithms."""
        self.work_areas = WorkAreaAllocator(base, size, backup, self.mem) if size > 0 else None

    def flash_target(self):  # -> ocdpy.arm.flash_target.CortexFlashTarget
        """This core as the flash layer's FlashTarget (memory, work area, algorithms);
        the same object every time, so nested flash operations know each other."""
        if self._flash_target is None:
            from .flash_target import CortexFlashTarget

            self._flash_target = CortexFlashTarget(self)
        return self._flash_target

    def register_caches(self) -> list[tuple[str, list[V7.CoreRegister]]]:
        """The register groups `reg` lists, with OpenOCD's headings. The DWT group is
        empty as in OpenOCD 0.12 (its registers do not show there)."""
        return [("arm v7m registers", self.register_list()), ("Cortex-M DWT registers", [])]

    @property
    def hla(self) -> HlaAccess | None:
        return self.mem.hla

    def _event(self, name: str) -> None:
        if self.on_event is not None:
            self.on_event(name)

    def _read_dhcsr(self) -> int:
        value = self.mem.read_u32(V7.DHCSR)
        self._dhcsr = value
        self._sticky |= value & (V7.S_RESET_ST | V7.S_RETIRE_ST)
        self._maskints = bool(value & V7.C_MASKINTS)
        return value

    def _write_dhcsr(self, bits: int) -> None:
        self.mem.write_u32(V7.DHCSR, V7.DBGKEY | (bits & 0xFFFF))
        self._maskints = bool(bits & V7.C_MASKINTS)

    def write_demcr(self, value: int, force: bool = False) -> None:
        """Set DEMCR (vector catch, TRCENA), skipping the write when it holds `value`
        already (only a power-on reset or a user's write changes it behind us)."""
        if force or self._demcr != value:
            self.mem.write_u32(V7.DEMCR, value)
            self._demcr = value

    def prepare_to_run(self, keep: tuple[int, ...] = ()) -> None:
        """Before the core runs: the registers given back but not yet written (all but
        the REGSELs in `keep`, about to be set anyway) go to the core."""
        for regsel in sorted(self._dirty - set(keep)):
            self._put(regsel, self._regs[regsel])
        self._dirty.clear()

    def _restore_for_user(self, keep: tuple[int, ...] = (), mask: bool | None = None) -> None:
        """Before the application runs again after flash routines: their registers
        written back, the halt reason they left cleared, vector catch as the user set
        it, and C_MASKINTS as `mask` says (None: left as it is; it may change only
        while halted)."""
        self.prepare_to_run(keep)
        if self._dfsr_stale:
            self.mem.write_u32(V7.DFSR, 0x1F)  # write-one-to-clear
            self._dfsr_stale = False
        self.write_demcr(V7.TRCENA | self.demcr_user)
        if mask is not None:
            self._set_maskints(mask)

    def _mask_bit(self) -> int:
        """C_MASKINTS as the core holds it, for a DHCSR write that must not change it."""
        return V7.C_MASKINTS if self._maskints else 0

    def _set_maskints(self, mask: bool) -> None:
        """C_MASKINTS on or off, written (with C_HALT, as the architecture asks) only
        when it changes."""
        if mask != self._maskints:
            self._write_dhcsr(V7.C_HALT | V7.C_DEBUGEN | (V7.C_MASKINTS if mask else 0))

    def _masked_while_halted(self) -> bool:
        """`cortex_m maskisr`: `on` keeps interrupts masked all the time; `steponly`
        also while halted on a core with the r0p0/r0p1 stepping erratum, so that the
        step itself does not change the mask."""
        return self.isr_masking == "on" or (self.isr_masking == "steponly" and self.maskints_erratum)

    def set_isr_masking(self, mode: str) -> None:
        """`cortex_m maskisr MODE`; a halted core gets the mask of that mode now."""
        if mode not in ISR_MASKING_MODES:
            raise ValueError(mode)
        self.isr_masking = mode
        if self.state == TargetState.HALTED:
            self._set_maskints(self._masked_while_halted())

    def read_demcr(self) -> int:
        value = self.mem.read_u32(V7.DEMCR)
        self._demcr = value
        return value

    def set_vector_catch(self, bits: int) -> int:
        """`cortex_m vector_catch`: the exceptions that halt the core (DEMCR's low half,
        kept across resets and flash routines); returns DEMCR as read back."""
        self.demcr_user = bits & 0xFFFF
        self.write_demcr((self.read_demcr() & ~0xFFFF) | self.demcr_user, force=True)
        return self.read_demcr()

    def _drop_registers(self) -> None:
        """Forget every cached register (the core ran, or was reset)."""
        self._regs.clear()
        self._dirty.clear()

    def _require_halted(self) -> None:
        if self.state != TargetState.HALTED:
            raise TargetNotHaltedError(f"[{self.name}] target not halted: halt it first (`halt`)")

    def _require_examined(self) -> None:
        if not self.examined:
            raise TargetError(f"[{self.name}] target not examined yet: run `init` first")

    # -- examine -----------------------------------------------------------------------

    def examine(self) -> CoreInfo:
        """Identify the core, enable debug, find FPB and DWT (logging OpenOCD's lines)."""
        if self.examined and self.info is not None:
            return self.info
        cpuid = Cpuid(self.mem.read_u32(V7.CPUID))
        part = cpuid.part()
        log.info(f"[{self.name}] {cpuid.detected_line()}")
        if part.partno == 0xC27 and cpuid.variant == 0 and cpuid.revision < 2:
            log.warning(f"[{self.name}] Silicon bug: single stepping may enter pending exception handler!")
            self.maskints_erratum = True
        fpu = None
        if part.fpu:
            mvfr = (self.mem.read_u32(V7.MVFR0), self.mem.read_u32(V7.MVFR1))
            fpu = FPU_SIGNATURES[part.fpu].get(mvfr)
            if fpu:
                log.debug(f"[{self.name}] {part.name} floating point feature {fpu} found")
        if part.tar_block_4k:
            self.mem.tar_autoincr_block = 4096
        dhcsr = self._read_dhcsr()
        self._sticky &= ~V7.S_RESET_ST  # a reset before we connected is no news
        if not dhcsr & V7.C_DEBUGEN:
            self._write_dhcsr((dhcsr | V7.C_DEBUGEN) & ~(V7.C_HALT | V7.C_STEP | V7.C_MASKINTS))
        self.write_demcr(V7.TRCENA | self.demcr_user, force=True)
        self.fpb.probe()
        self.dwt.probe()
        log.info(f"[{self.name}] target has {self.fpb.num_code} breakpoints, {self.dwt.num_comp} watchpoints")
        self.info = CoreInfo(cpuid.value, part, cpuid.variant, cpuid.revision, fpu, self.fpb.num_code,
                             self.fpb.num_lit, self.fpb.rev, self.dwt.num_comp)
        self.examined = True
        return self.info

    def forget_examination(self) -> None:
        """Make the next `examine()` start over (after the probe reconnected)."""
        self.examined = False
        self.info = None
        self.state = TargetState.UNKNOWN
        self._drop_registers()
        self._demcr = None

    # -- state -------------------------------------------------------------------------

    def poll(self) -> TargetState:
        """Read DHCSR and follow the state machine; fires "halted"/"resumed" events."""
        self._require_examined()
        prev = self.state
        if self._reconnect_pending:
            self._reconnect()
        try:
            dhcsr = self._read_dhcsr()
        except (TargetConnectionError, TransferFaultError) as exc:
            self.state = TargetState.UNKNOWN
            self._reconnect_pending = getattr(self.adapter, "reconnect", None) is not None
            reason = getattr(exc, "reason", None) or str(exc)
            way_back = ("`reset halt` regains control through NRST" if self.reset_config.has_srst else
                        "`reset halt` with `reset_config srst_only connect_assert_srst` regains control")
            raise TargetConnectionError(
                f"[{self.name}] lost contact with the target ({reason}): its firmware may have "
                f"disabled the SWD pins or entered a low-power mode; {way_back}; otherwise check the "
                "wiring and the target power") from None
        if dhcsr & V7.S_LOCKUP and self.hla is None:
            # OpenOCD's cortex_m target halts a locked-up core; its hla target never
            # looks at S_LOCKUP (the core just counts as running).
            log.error(f"[{self.name}] clearing lockup after double fault")
            self._write_dhcsr(V7.C_HALT | V7.C_DEBUGEN)
            self.debug_reason = DebugReason.DBGRQ
            self.lockup_cleared = True
            dhcsr = self._read_dhcsr()
        if self._sticky & V7.S_RESET_ST:
            self._sticky &= ~V7.S_RESET_ST
            if self.state != TargetState.RESET:
                self.state = TargetState.RESET
                self._drop_registers()
                if self.hla is None and not self._in_reset:
                    log.info(f"[{self.name}] external reset detected")
            return self.state
        if self.state == TargetState.RESET:
            self._end_reset()
            self.state = prev = TargetState.RUNNING
        if dhcsr & V7.S_HALT:
            self.state = TargetState.HALTED
            if prev in (TargetState.RUNNING, TargetState.UNKNOWN):
                self._debug_entry()
                if self.hla is None:
                    self._set_maskints(self._masked_while_halted())  # as `maskisr` asks
                if prev == TargetState.RUNNING or self.hla is not None:
                    self._event("halted")
            elif prev == TargetState.DEBUG_RUNNING:
                self._debug_entry()
                self._event("debug-halted")
        elif prev == TargetState.HALTED:
            self._drop_registers()
            self.run_count += 1
            self.state = TargetState.RUNNING
            log.warning(f"[{self.name}] external resume detected")
            self._event("resumed")
        elif self.state == TargetState.UNKNOWN:
            self.state = TargetState.RUNNING
        return self.state

    def _reconnect(self) -> None:
        """After a failed poll, re-enter SWD before trying again (as OpenOCD's hla does)."""
        log.info("Previous state query failed, trying to reconnect")
        self._reconnect_pending = False
        try:
            self.adapter.reconnect()  # type: ignore[union-attr]
        except TargetConnectionError:
            self._reconnect_pending = True  # try again at the next poll, as OpenOCD does
            raise
        invalidate = getattr(self.mem, "invalidate", None)
        if invalidate is not None:
            invalidate()

    def wait_state(self, state: TargetState = TargetState.HALTED, timeout_ms: int = 1000) -> None:
        """Poll until the core is in `state`; TargetError after `timeout_ms` of wall time."""
        deadline = time.monotonic() + timeout_ms / 1000.0
        while True:
            if self.poll() == state:
                return
            if time.monotonic() > deadline:
                raise TargetError(f"timed out while waiting for target {state.value}")

    def halt(self) -> None:
        self._require_examined()
        if self.state == TargetState.HALTED:
            log.debug(f"[{self.name}] target was already halted")
            return
        if self.state == TargetState.UNKNOWN:
            log.warning(f"[{self.name}] target was in unknown state when halt was requested")
        self.debug_reason = DebugReason.DBGRQ
        if self.state == TargetState.RESET and self._in_reset and self._reset_halt:
            return  # the reset's vector catch halts it
        # C_MASKINTS as it is: it may not change in the write that halts the core
        self._write_dhcsr(V7.C_HALT | V7.C_DEBUGEN | self._mask_bit())

    def _examine_debug_reason(self, dfsr: int) -> None:
        if self.debug_reason in (DebugReason.DBGRQ, DebugReason.SINGLESTEP):
            return
        if dfsr & V7.DFSR_BKPT:
            self.debug_reason = DebugReason.WPTANDBKPT if dfsr & V7.DFSR_DWTTRAP else DebugReason.BREAKPOINT
        elif dfsr & V7.DFSR_DWTTRAP:
            self.debug_reason = DebugReason.WATCHPOINT
        elif dfsr & V7.DFSR_VCATCH:
            self.debug_reason = DebugReason.BREAKPOINT
        elif dfsr & V7.DFSR_EXTERNAL:
            self.debug_reason = DebugReason.DBGRQ
        else:
            self.debug_reason = DebugReason.UNDEFINED

    @property
    def halt_cause(self) -> str:
        """What the DFSR says stopped the core: more precise than the debug reason
        (a vector catch shows as "breakpoint" there, as in OpenOCD)."""
        dfsr = self.dfsr
        causes = [name for bit, name in ((V7.DFSR_BKPT, "breakpoint"), (V7.DFSR_DWTTRAP, "watchpoint"),
                                         (V7.DFSR_VCATCH, "vector-catch"), (V7.DFSR_EXTERNAL, "external"),
                                         (V7.DFSR_HALTED, "halt-or-step")) if dfsr & bit]
        return ", ".join(causes) or "unknown"

    def _debug_entry(self) -> None:
        dfsr = self.mem.read_u32(V7.DFSR)
        if dfsr:
            self.mem.write_u32(V7.DFSR, dfsr)  # write-one-to-clear, ready for the next halt
        self.dfsr = dfsr
        self._dfsr_stale = False
        self._examine_debug_reason(dfsr)
        self._load_context()
        xpsr = self._regs[V7.REGSEL_XPSR]
        control = (self._regs[V7.REGSEL_SPECIAL] >> 24) & 7
        if xpsr & 0x1FF:
            self.exception_number = xpsr & 0x1FF
            self.core_mode = "Handler"
        else:
            self.exception_number = 0
            self.core_mode = "Thread (User)" if control & 1 else "Thread"
        log.debug(f"[{self.name}] entered debug state in core mode: {self.core_mode} at PC "
                  f"{self._regs[15]:#010x}, reason {self.debug_reason.value}")

    def _end_reset(self) -> None:
        """The core left reset: restore what the reset sequence changed or cleared."""
        self._in_reset = False
        self.write_demcr(V7.TRCENA | self.demcr_user, force=True)
        self.fpb.restore()
        self.dwt.restore()

    # -- core registers ------------------------------------------------------------------

    def _dcrsr_read(self, regsel: int) -> int:
        self.mem.write_u32(V7.DCRSR, regsel)
        for _ in range(REGRDY_POLLS):
            value = self.mem.read_u32(V7.DCRDR)
            if self._read_dhcsr() & V7.S_REGRDY:
                return value
        raise TargetError(f"[{self.name}] core register {regsel:#x} read did not complete (S_REGRDY clear)")

    def _dcrsr_write(self, regsel: int, value: int) -> None:
        self.mem.write_u32(V7.DCRDR, value)
        self.mem.write_u32(V7.DCRSR, V7.DCRSR_WNR | regsel)
        for _ in range(REGRDY_POLLS):
            if self._read_dhcsr() & V7.S_REGRDY:
                return
        raise TargetError(f"[{self.name}] core register {regsel:#x} write did not complete (S_REGRDY clear)")

    def _load_context(self) -> None:
        hla = self.hla
        if hla is not None:
            regs = hla.read_all_core_regs() or {sel: hla.read_core_reg(sel) for sel in range(19)}
            regs[V7.REGSEL_SPECIAL] = hla.read_core_reg(V7.REGSEL_SPECIAL)
        else:
            regs = {sel: self._dcrsr_read(sel) for sel in (*range(19), V7.REGSEL_SPECIAL)}
        regs.update({sel: self._regs[sel] for sel in self._dirty})  # given back, not yet written
        self._regs = regs

    def _get(self, regsel: int) -> int:
        if regsel not in self._regs:
            hla = self.hla
            if hla is not None and (regsel < 19 or regsel == V7.REGSEL_SPECIAL):
                # the context was dropped (a flash routine ran): one READALLREGS brings
                # back all of it for the price of two single reads
                self._load_context()
            else:
                self._regs[regsel] = hla.read_core_reg(regsel) if hla is not None else self._dcrsr_read(regsel)
        return self._regs[regsel]

    def _put(self, regsel: int, value: int) -> None:
        value &= 0xFFFFFFFF
        hla = self.hla
        if hla is not None:
            hla.write_core_reg(regsel, value)
        else:
            self._dcrsr_write(regsel, value)
        self._regs[regsel] = value
        self._dirty.discard(regsel)

    def register_list(self) -> list[V7.CoreRegister]:
        """The core registers this core has, in OpenOCD's `reg` order."""
        has_fpu = bool(self.info and self.info.fpu)
        return [r for r in V7.CORE_REGISTERS if has_fpu or not r.fpu]

    def find_register(self, name: str | int) -> V7.CoreRegister | None:
        if isinstance(name, int):
            reg = V7.REGISTERS_BY_NUMBER.get(name)
        else:
            reg = V7.REGISTERS_BY_NAME.get(name) or V7.REGISTERS_BY_NAME.get(name.lower())
            if reg is None and name in V7.SINGLE_PRECISION and self.info and self.info.fpu:
                sel = V7.SINGLE_PRECISION[name]
                return V7.CoreRegister(-1, name, 32, "float", "org.gnu.gdb.arm.vfp", sel, fpu=True)
        if reg is None or (reg.fpu and not (self.info and self.info.fpu)):
            return None
        return reg

    def _lookup(self, name: str | int) -> V7.CoreRegister:
        reg = self.find_register(name)
        if reg is None:
            raise TargetError(f"register {name} not found in current target")
        return reg

    def read_register(self, name: str | int) -> int:
        """A register's value by name (r0, sp, pc, xPSR, primask, d3, s7, fpscr...) or number."""
        reg = self._lookup(name)
        self._require_halted()
        if reg.regsel == V7.REGSEL_SPECIAL:
            return (self._get(reg.regsel) >> reg.shift) & ((1 << reg.bits) - 1)
        if reg.bits == 64:
            return self._get(reg.regsel) | (self._get(reg.regsel + 1) << 32)
        return self._get(reg.regsel)

    def cached_register(self, name: str | int) -> int | None:
        """The value known without touching the target, or None (running, not yet read)."""
        reg = self._lookup(name)
        if self.state != TargetState.HALTED:
            return None
        sels = (reg.regsel, reg.regsel + 1) if reg.bits == 64 else (reg.regsel,)
        if any(s not in self._regs for s in sels):
            return None
        if reg.regsel == V7.REGSEL_SPECIAL:
            return (self._regs[reg.regsel] >> reg.shift) & ((1 << reg.bits) - 1)
        if reg.bits == 64:
            return self._regs[reg.regsel] | (self._regs[reg.regsel + 1] << 32)
        return self._regs[reg.regsel]

    def write_register(self, name: str | int, value: int) -> None:
        reg = self._lookup(name)
        self._require_halted()
        if reg.regsel == V7.REGSEL_SPECIAL:
            mask = ((1 << reg.bits) - 1) << reg.shift
            word = self._get(reg.regsel)
            self._put(reg.regsel, (word & ~mask) | ((value << reg.shift) & mask))
        elif reg.bits == 64:
            self._put(reg.regsel, value & 0xFFFFFFFF)
            self._put(reg.regsel + 1, (value >> 32) & 0xFFFFFFFF)
        else:
            self._put(reg.regsel, value)
        if reg.regsel == 13:  # SP is whichever of MSP/PSP is active
            self._regs.pop(V7.REGSEL_MSP, None)
            self._regs.pop(V7.REGSEL_PSP, None)
        elif reg.regsel in (V7.REGSEL_MSP, V7.REGSEL_PSP, V7.REGSEL_SPECIAL):
            self._regs.pop(13, None)

    def register_regsel(self, name: str | int) -> int:
        """The DCRSR REGSEL of a register (TargetError if there is no such register)."""
        return self._lookup(name).regsel

    def restore_registers(self, values: dict[str, int]) -> None:
        """Put registers back without probe traffic (a flash routine's caller context):
        each differing value is cached and marked dirty, written before the core runs
        again (resume, step, the next routine) or by `flush_registers`; a reset drops
        them, and so does the end of the session (the core stays halted), as OpenOCD
        does with its dirty register cache."""
        self._require_halted()
        for name, value in values.items():
            reg = self._lookup(name)
            if reg.regsel not in LAZY_REGSELS:
                self.write_register(name, value)  # SP aliases MSP/PSP: written now
                continue
            value &= 0xFFFFFFFF
            if self._regs.get(reg.regsel) != value or reg.regsel in self._dirty:
                self._regs[reg.regsel] = value
                self._dirty.add(reg.regsel)

    def dirty_registers(self) -> list[str]:
        """Names of the registers given back but not written to the core yet."""
        return [r.name for r in self.register_list() if r.regsel in self._dirty and r.regsel in LAZY_REGSELS]

    def flush_registers(self) -> None:
        """Write the dirty registers now (for a caller that leaves the core halted to
        another debugger and wants it to find the application's context)."""
        if self._dirty and self.state == TargetState.HALTED:
            self.prepare_to_run()

    # -- run control ---------------------------------------------------------------------

    def find_breakpoint(self, address: int) -> Breakpoint | None:
        return next((b for b in self.breakpoints if b.address == address), None)

    def _maybe_skip_bkpt(self, pc: int) -> int:
        """After a halt on a BKPT instruction that is part of the program, step over it."""
        if self.debug_reason == DebugReason.BREAKPOINT:
            try:
                op = int.from_bytes(self.mem.read_memory(pc & ~1, 2, 2), "little")
            except TransferFaultError:
                return pc
            if op & 0xFF00 == 0xBE00:
                pc += 2
                self.write_register("pc", pc)
        return pc

    def _single_step(self) -> None:
        mask = V7.C_MASKINTS if self.isr_masking != "off" else 0
        self._set_maskints(bool(mask))
        self._write_dhcsr(V7.C_STEP | mask | V7.C_DEBUGEN)
        for _ in range(STEP_POLLS):
            if self._read_dhcsr() & V7.S_HALT:
                break
        else:
            self._write_dhcsr(V7.C_HALT | V7.C_DEBUGEN)
            raise TargetError(f"[{self.name}] single step did not complete (the core is sleeping or "
                              "stalled); halted it instead")
        self._write_dhcsr(V7.C_HALT | V7.C_DEBUGEN | (V7.C_MASKINTS if self._masked_while_halted() else 0))

    def _arm_breakpoints(self) -> None:
        for bp in self.breakpoints:
            if not bp.is_set:
                self._set_breakpoint(bp)
        for wp in self.watchpoints:
            if not wp.is_set:
                self.dwt.set(wp)

    def resume(self, address: int | None = None, handle_breakpoints: bool = True,
               debug_execution: bool = False) -> None:
        """Run from the current PC or `address`; a breakpoint at the resume address is
        stepped over first (with handle_breakpoints)."""
        self._require_halted()
        keep = (15,) if address is not None else ()
        if not debug_execution:
            self._restore_for_user(keep, mask=self.isr_masking == "on")
            if self.work_areas is not None:
                self.work_areas.free_all()  # as OpenOCD: the application gets its RAM back
            self._arm_breakpoints()
        else:
            self.prepare_to_run(keep)
        self.run_count += 1
        if address is not None:
            self.write_register("pc", address)
        pc = self.read_register("pc")
        if not debug_execution and self.find_breakpoint(pc) is None:
            pc = self._maybe_skip_bkpt(pc)
        self._drop_registers()
        if handle_breakpoints:
            bp = self.find_breakpoint(pc)
            if bp is not None:
                self._unset_breakpoint(bp)
                self._single_step()
                self._set_breakpoint(bp)
        self._write_dhcsr(V7.C_DEBUGEN | self._mask_bit())
        self.debug_reason = DebugReason.NOTHALTED
        if debug_execution:
            self.state = TargetState.DEBUG_RUNNING
            self._event("debug-resumed")
        else:
            self.state = TargetState.RUNNING
            self._event("resumed")

    def step(self, address: int | None = None, handle_breakpoints: bool = True) -> None:
        """Execute one instruction (from `address` if given) and halt again."""
        self._require_halted()
        self._restore_for_user((15,) if address is not None else ())
        self.run_count += 1
        if address is not None:
            self.write_register("pc", address)
        pc = self.read_register("pc")
        bp = self.find_breakpoint(pc) if handle_breakpoints else None
        if bp is not None:
            self._unset_breakpoint(bp)
        self._maybe_skip_bkpt(pc)
        self.debug_reason = DebugReason.SINGLESTEP
        self._drop_registers()
        self._event("resumed")
        try:
            self._single_step()
        finally:
            if bp is not None:
                self._set_breakpoint(bp)
        self.state = TargetState.HALTED
        self._debug_entry()
        self._event("halted")
        if self.hla is not None:
            log.info(f"halted: PC: {self._regs[15]:#010x}")

    # -- reset -----------------------------------------------------------------------------

    def assert_reset(self, halt: bool = False) -> None:
        """First half of `reset`: arm the vector catch (halt) and start the reset with
        NRST (reset_config srst_*) or SYSRESETREQ/VECTRESET."""
        rc = self.reset_config
        adapter = self.adapter
        use_srst = rc.has_srst and adapter is not None
        self._reset_halt = halt
        self.run_count += 1
        self._dfsr_stale = False
        self._in_reset = True
        srst_now = use_srst and rc.srst_nogate
        if srst_now:
            adapter.assert_srst()  # type: ignore[union-attr]
        try:
            self._prepare_reset(halt)
        except (TargetConnectionError, TransferFaultError):
            if not use_srst:
                self._in_reset = False
                raise
            # The core may have cut the link (SWD pins disabled, deep sleep): with NRST held
            # the debug port answers again, so arm the vector catch under reset.
            log.debug(f"[{self.name}] debug setup before reset failed; retrying with NRST held")
            if not srst_now:
                adapter.assert_srst()  # type: ignore[union-attr]
                srst_now = True
            try:
                reconnect = getattr(adapter, "reconnect", None)
                if reconnect is not None:
                    reconnect()
                    self._reconnect_pending = False
                    getattr(self.mem, "invalidate", lambda: None)()
                self._prepare_reset(halt)
            except (TargetConnectionError, TransferFaultError):
                log.debug(f"[{self.name}] no debug access under reset either; resetting anyway")
        if use_srst:
            if not srst_now:
                adapter.assert_srst()  # type: ignore[union-attr]
            self._srst_used = True
        else:
            self._srst_used = False
            self._soft_reset()
        self.state = TargetState.RESET
        self._drop_registers()
        self.debug_reason = DebugReason.DBGRQ if halt else DebugReason.NOTHALTED

    def _prepare_reset(self, halt: bool) -> None:
        dhcsr = self._read_dhcsr()  # also clears S_RESET_ST, so the reset can be seen
        self._sticky &= ~V7.S_RESET_ST
        if not dhcsr & V7.C_DEBUGEN or dhcsr & (V7.C_HALT | V7.C_STEP | V7.C_MASKINTS):
            self._write_dhcsr(V7.C_DEBUGEN)
        demcr = V7.TRCENA | self.demcr_user
        if halt:
            demcr |= V7.VC_CORERESET | V7.VC_HARDERR | V7.VC_BUSERR
        self.write_demcr(demcr, force=True)

    def _soft_reset(self) -> None:
        hla = self.hla
        try:
            if hla is not None:
                hla.reset_system()
                return
            vect = self.soft_reset == "vectreset" and self.info is not None and self.info.part.arch == "v7m"
            if self.soft_reset == "vectreset" and not vect:
                log.warning(f"[{self.name}] VECTRESET is not supported on this Cortex-M core, using "
                            "SYSRESETREQ instead.")
            bit = V7.AIRCR_VECTRESET if vect else V7.AIRCR_SYSRESETREQ
            self.mem.write_u32(V7.AIRCR, V7.AIRCR_VECTKEY | bit)
        except TransferFaultError:
            log.debug(f"[{self.name}] ignoring an AP write error right after reset")

    def deassert_reset(self) -> None:
        """Second half of `reset`: release NRST and check that it reset the core."""
        if not self._srst_used:
            return
        self.adapter.deassert_srst()  # type: ignore[union-attr]
        self._srst_used = False
        try:
            dhcsr = self._read_dhcsr()
        except TargetConnectionError:
            # the firmware may cut SWD as soon as it runs; polling will say so if it did
            log.debug(f"[{self.name}] no answer right after NRST release; not checking the reset")
            return
        if not (dhcsr | self._sticky) & V7.S_RESET_ST:
            self._in_reset = False
            raise TargetError(
                f"[{self.name}] NRST did not reset the target (DHCSR.S_RESET_ST stayed clear): the "
                "probe's NRST pin seems not connected to the chip's NRST; check that wire, or reset "
                "through SYSRESETREQ with `reset_config none`")

    def reset(self, halt: bool = False, timeout_ms: int = 1000) -> None:
        """A whole `reset run` / `reset halt` without the event scripts."""
        self.assert_reset(halt)
        self.deassert_reset()
        if halt:
            self.wait_state(TargetState.HALTED, timeout_ms)
        else:
            self.poll()

    def soft_reset_halt(self, timeout_s: float = SOFT_RESET_TIMEOUT_S) -> None:
        """Reset the core only (VECTRESET) and halt at the reset vector."""
        self._require_examined()
        log.debug(f"[{self.name}] soft_reset_halt is discouraged, please use 'reset halt' instead.")
        self.run_count += 1
        self.write_demcr(V7.TRCENA | V7.VC_CORERESET | V7.VC_HARDERR | V7.VC_BUSERR, force=True)
        bit = V7.AIRCR_VECTRESET if self.info and self.info.part.arch == "v7m" else V7.AIRCR_SYSRESETREQ
        self.mem.write_u32(V7.AIRCR, V7.AIRCR_VECTKEY | bit)
        self.state = TargetState.RESET
        self._in_reset = True
        self._drop_registers()
        self.debug_reason = DebugReason.DBGRQ
        deadline = time.monotonic() + timeout_s
        while True:
            dhcsr = self._read_dhcsr()
            if dhcsr & V7.S_HALT and self.mem.read_u32(V7.DFSR) & V7.DFSR_VCATCH:
                break
            if time.monotonic() > deadline:
                raise TargetError(f"[{self.name}] timed out waiting for the core to halt after soft reset")
        self.wait_state(TargetState.HALTED)

    # -- breakpoints and watchpoints --------------------------------------------------------

    def _set_breakpoint(self, bp: Breakpoint) -> None:
        if bp.hw:
            self.fpb.set(bp)
            bp.is_set = True
        else:
            set_software_breakpoint(self.mem, bp, self.name)

    def _unset_breakpoint(self, bp: Breakpoint) -> None:
        if not bp.is_set:
            return
        if bp.hw:
            self.fpb.unset(bp)
            bp.is_set = False
        else:
            unset_software_breakpoint(self.mem, bp)

    def add_breakpoint(self, address: int, length: int = 2, hw: bool = False) -> Breakpoint:
        """A hardware (FPB) or software (BKPT in RAM) breakpoint; TargetError if refused."""
        self._require_examined()
        if self.find_breakpoint(address) is not None:
            raise TargetError(f"Duplicate Breakpoint address: {address:#010x}")
        if length == 3:
            length = 2  # a 32-bit Thumb-2 request: break on its first half-word
        if length != 2:
            raise TargetError(f"[{self.name}] only breakpoints of two bytes length supported")
        bp = Breakpoint(address, length, hw)
        self._set_breakpoint(bp)
        self.breakpoints.append(bp)
        return bp

    def remove_breakpoint(self, address: int) -> None:
        bp = self.find_breakpoint(address)
        if bp is None:
            raise TargetError(f"no breakpoint at address {address:#010x} found")
        self._unset_breakpoint(bp)
        self.breakpoints.remove(bp)

    def remove_all_breakpoints(self) -> None:
        for bp in list(self.breakpoints):
            self.remove_breakpoint(bp.address)

    def add_watchpoint(self, address: int, length: int, rw: str = "a", value: int | None = None,
                       mask: int | None = None) -> Watchpoint:
        """A DWT data watchpoint on `length` bytes (a power of two, aligned); rw is r, w or a."""
        self._require_examined()
        if rw not in ("r", "w", "a"):
            raise TargetError(f"watchpoint access type {rw!r}: use r, w or a")
        for wp in self.watchpoints:
            if wp.address == address:
                raise TargetError(f"[{self.name}] address {address:#010x} already has a watchpoint")
        wp = Watchpoint(address, length, rw, value, mask)
        self.dwt.check(wp, len(self.watchpoints))
        self.dwt.set(wp)
        self.watchpoints.append(wp)
        return wp

    def remove_watchpoint(self, address: int) -> None:
        wp = next((w for w in self.watchpoints if w.address == address), None)
        if wp is None:
            raise TargetError(f"no watchpoint at address {address:#010x} found")
        self.dwt.unset(wp)
        self.watchpoints.remove(wp)

    def remove_all_watchpoints(self) -> None:
        for wp in list(self.watchpoints):
            self.remove_watchpoint(wp.address)

    # -- memory --------------------------------------------------------------------------

    def read_memory(self, address: int, size: int, count: int) -> bytes:
        """`count` items of `size` bytes (1, 2, 4, 8) from `address`, as `mdw`/`mdh`/... read."""
        if size not in (1, 2, 4, 8):
            raise TargetError(f"invalid memory access size {size}: use 1, 2, 4 or 8")
        return self.mem.read_memory(address & 0xFFFFFFFF, size * count, min(size, 4))

    def write_memory(self, address: int, size: int, data: bytes) -> None:
        if size not in (1, 2, 4, 8):
            raise TargetError(f"invalid memory access size {size}: use 1, 2, 4 or 8")
        self._note_write(address, len(data))
        self.mem.write_memory(address & 0xFFFFFFFF, bytes(data), min(size, 4))

    def read_buffer(self, address: int, length: int) -> bytes:
        """Bytes of any alignment and length, moved with the widest accesses that fit."""
        return self.mem.read_memory(address & 0xFFFFFFFF, length, 4)

    def write_buffer(self, address: int, data: bytes) -> None:
        self._note_write(address, len(data))
        self.mem.write_memory(address & 0xFFFFFFFF, bytes(data), 4)

    def _note_write(self, address: int, length: int) -> None:
        # a user's write to DEMCR (mww) makes the value this core remembers stale
        if address <= V7.DEMCR < address + length:
            self._demcr = None

    def read_u32(self, address: int) -> int:
        if address % 4:
            return int.from_bytes(self.read_memory(address, 4, 1), "little")
        return self.mem.read_u32(address & 0xFFFFFFFF)

    def write_u32(self, address: int, value: int) -> None:
        if address % 4:
            self.write_memory(address, 4, (value & 0xFFFFFFFF).to_bytes(4, "little"))
        else:
            self._note_write(address, 4)
            self.mem.write_u32(address & 0xFFFFFFFF, value)

    def read_u16(self, address: int) -> int:
        return int.from_bytes(self.read_memory(address, 2, 1), "little")

    def write_u16(self, address: int, value: int) -> None:
        self.write_memory(address, 2, (value & 0xFFFF).to_bytes(2, "little"))

    def read_u8(self, address: int) -> int:
        return self.read_memory(address, 1, 1)[0]

    def write_u8(self, address: int, value: int) -> None:
        self.write_memory(address, 1, bytes([value & 0xFF]))

    # -- reporting -------------------------------------------------------------------------

    def erased_vectors(self) -> tuple[str, int] | None:
        """What a halt at pc 0xfffffffe with sp 0xfffffffc means: the reset fetched
        all-ones vectors, or none at all. A look at the vector table (VTOR) tells:
        ("blank", vtor) when it reads erased, a new or mass-erased chip;
        ("unreadable", vtor) when the debugger's read faults too, which is read-out
        protection; None for any other halt or table."""
        if self._regs.get(15) != 0xFFFFFFFE or self._regs.get(13) != 0xFFFFFFFC:
            return None
        try:
            vtor = self.mem.read_u32(V7.VTOR)
        except TransferFaultError:
            return None
        try:
            table = self.mem.read_memory(vtor, 8, 4)
        except TransferFaultError:
            return "unreadable", vtor
        return ("blank", vtor) if table == b"\xff" * 8 else None

    def arch_state(self) -> str:
        """The two lines OpenOCD prints when the core halts."""
        if self.state == TargetState.HALTED and any(
                sel not in self._regs for sel in (V7.REGSEL_XPSR, 15, V7.REGSEL_SPECIAL, 13)):
            try:  # dropped while a flash routine ran
                for sel in (V7.REGSEL_XPSR, 15, V7.REGSEL_SPECIAL, 13):
                    self._get(sel)
            except (TargetError, ProbeError) as e:
                log.debug(f"[{self.name}] reading the registers for the halt message failed: {e}")
        xpsr = self._regs.get(V7.REGSEL_XPSR, 0)
        pc = self._regs.get(15, 0)
        control = (self._regs.get(V7.REGSEL_SPECIAL, 0) >> 24) & 7
        sp = self._regs.get(13, 0)
        return (f"[{self.name}] halted due to {self.debug_reason.value}, current mode: {self.core_mode} "
                f"{V7.exception_name(self.exception_number)}\n"
                f"xPSR: {V7.c_hex(xpsr)} pc: {V7.c_hex(pc)} {'p' if control & 2 else 'm'}sp: {V7.c_hex(sp)}")


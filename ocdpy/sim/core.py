"""The Cortex-M core of a virtual chip, executed by Unicorn (Thumb, M-class).

Unicorn runs instructions; this module adds what Unicorn leaves out and a debugger
can observe: exception entry and return (HardFault, SVCall), lockup, the BKPT
instruction as a debug event, FPB breakpoints and DWT watchpoints as hooks on exact
addresses, and register access by the DCRSR register selector.

`run(count)` executes at most `count` instructions and says why it stopped. When a
run stops early (breakpoint, fault, a device asking to stop) Unicorn cannot say how
many instructions ran, so `executed` is None and the caller charges the whole slice.
(Counting them with a block hook would cost a Python call per basic block: loaders
ran up to twice as slow.)

A device may also end a run *before* the access it is serving (`stop_before_access`,
then raise `CoreStalled`): Unicorn undoes the instruction, which makes its access
again when the run resumes. The chip uses it for a core waiting on the flash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ocdpy.sim.bus import BusFault

# QEMU exception numbers Unicorn reports through UC_HOOK_INTR.
EXCP_UDEF, EXCP_SWI, EXCP_PREFETCH_ABORT, EXCP_DATA_ABORT = 1, 2, 3, 4
EXCP_BKPT, EXCP_EXCEPTION_EXIT = 7, 8
EXCP_NOCP, EXCP_INVSTATE, EXCP_UNALIGNED, EXCP_DIVBYZERO = 17, 18, 22, 23

LOCKUP_PC = 0xFFFFFFFE
HARDFAULT, SVCALL = 3, 11

# Stop reasons of a run.
STOP_COUNT = "count"  # ran the requested number of instructions
STOP_BKPT = "bkpt"  # BKPT instruction at pc
STOP_FPB = "fpb"  # FPB comparator matched pc
STOP_WATCH = "watch"  # DWT comparator matched a data access
STOP_FAULT = "fault"  # an exception the core must take (see RunResult.fault)
STOP_REQUEST = "request"  # a device asked the run to end (reset request, ...)
STOP_STALL = "stall"  # a device ended the run before an access; the instruction is redone

# Fault kinds, reported to the SCB fault status registers.
FAULT_UNDEF = "undefinstr"
FAULT_INVSTATE = "invstate"
FAULT_IBUS = "ibuserr"
FAULT_DBUS = "preciserr"
FAULT_NOCP = "nocp"
FAULT_UNALIGNED = "unaligned"
FAULT_DIVBYZERO = "divbyzero"
FAULT_BUS_IMPRECISE = "impreciserr"


class CoreStalled(Exception):
    """Raised by a device serving a core access after `SimCore.stop_before_access`
    agreed: the access must have no effect, it is made again when the run resumes."""


def makes_several_accesses(halfword: int) -> bool:
    """Whether the Thumb instruction starting with `halfword` may access memory more
    than once (PUSH/POP, LDM/STM, LDRD/STRD and exclusives, VLDM/VSTM/VLDR/VSTR)."""
    return ((halfword & 0xF600) == 0xB400 or (halfword & 0xF000) == 0xC000
            or (halfword & 0xFE00) in (0xE800, 0xEC00))


@dataclass
class RunResult:
    reason: str
    executed: int | None
    fault: str | None = None
    fault_addr: int | None = None


@dataclass
class CoreModel:
    """What differs between the cores the sim offers."""

    name: str  # "cortex-m3" ...
    unicorn_cpu: str  # name of the UC_CPU_ARM_* constant
    has_fpu: bool
    stkalign_reset: bool  # CCR.STKALIGN reset value


CORE_MODELS: dict[str, CoreModel] = {
    "cortex-m3": CoreModel("cortex-m3", "UC_CPU_ARM_CORTEX_M3", False, False),
    "cortex-m4": CoreModel("cortex-m4", "UC_CPU_ARM_CORTEX_M4", True, True),
    "cortex-m7": CoreModel("cortex-m7", "UC_CPU_ARM_CORTEX_M7", True, True),
}


class SimCore:
    """One Unicorn instance plus exception handling and debug hooks."""

    def __init__(
        self,
        model: CoreModel,
        read32: Callable[[int], int],
        write32: Callable[[int, int], None],
    ) -> None:
        from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc, UcError
        from unicorn import arm_const as arm
        from unicorn import unicorn_const as ucc

        self.model = model
        self._arm = arm
        self._ucc = ucc
        self._uc_error = UcError
        self.uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
        self.uc.ctl_set_cpu_model(getattr(arm, model.unicorn_cpu))
        self._read32 = read32  # CPU-side bus, for stacking and vector fetch
        self._write32 = write32
        self.vtor = 0
        self.stkalign = model.stkalign_reset
        self._bp_hooks: dict[int, int] = {}
        self._wp_hooks: list[int] = []
        self._stop: RunResult | None = None
        self._unmapped_addr: int | None = None
        self._pending_fault: tuple[str, int | None] | None = None
        self._watch_hit: int | None = None
        self._in_run = False
        self._in_access = False  # inside a device callback for a core access
        self._regs_by_sel = self._selector_table()
        u = self.uc
        u.hook_add(ucc.UC_HOOK_INTR, self._on_intr)
        u.hook_add(ucc.UC_HOOK_MEM_UNMAPPED, self._on_unmapped)

    # -- memory mapping -------------------------------------------------------

    def map_block(self, base: int, size: int, address: int, writable: bool = True) -> None:
        """Map host memory at `address` (a ctypes buffer) to `base`."""
        ucc = self._ucc
        perms = ucc.UC_PROT_READ | ucc.UC_PROT_EXEC | (ucc.UC_PROT_WRITE if writable else 0)
        self.uc.mem_map_ptr(base, size, perms, address)

    def unmap(self, base: int, size: int) -> None:
        self.uc.mem_unmap(base, size)

    def map_device(
        self,
        base: int,
        size: int,
        read: Callable[[int, int], int],
        write: Callable[[int, int, int], None],
    ) -> None:
        """Map a device window; `read(offset, size)` / `write(offset, size, value)`."""

        def on_read(uc: object, offset: int, size: int, _ud: object) -> int:
            self._in_access = True
            try:
                return read(offset, size)
            except BusFault as exc:
                self._device_fault(exc.addr)
                return 0
            except CoreStalled:
                return 0
            finally:
                self._in_access = False

        def on_write(uc: object, offset: int, size: int, value: int, _ud: object) -> None:
            self._in_access = True
            try:
                write(offset, size, value)
            except BusFault as exc:
                self._device_fault(exc.addr)
            except CoreStalled:
                pass
            finally:
                self._in_access = False

        self.uc.mmio_map(base, size, on_read, None, on_write, None)

    def hook_rom_writes(self, base: int, size: int, handler: Callable[[int, int, int], None]) -> None:
        """Writes by the core to read-only mapped memory (flash) go to `handler`.

        Unicorn still stores the written value after the handler returns, so the handler
        must arrange for the memory to be corrected (see SimChip's pending fixups).
        """

        def on_write(uc: object, access: int, addr: int, size: int, value: int, _ud: object) -> bool:
            self._in_access = True
            try:
                handler(addr, size, value & 0xFFFFFFFFFFFFFFFF)
            except BusFault as exc:
                self._device_fault(exc.addr)
            except CoreStalled:
                pass
            finally:
                self._in_access = False
            return True

        self.uc.hook_add(self._ucc.UC_HOOK_MEM_WRITE_PROT, on_write, None, base, base + size - 1)

    def invalidate_code(self, addr: int, length: int) -> None:
        """Drop translated code for a range whose bytes changed behind Unicorn's back."""
        self.uc.ctl_remove_cache(addr, addr + length)

    def request_stop(self) -> None:
        """Called from a device during a run: end the run after this instruction."""
        if self._in_run and self._stop is None:
            self._stop = RunResult(STOP_REQUEST, None)
            self.uc.emu_stop()

    def stop_before_access(self) -> bool:
        """Called by a device serving a core access: end the run with the current
        instruction undone, so that it makes the access again when the run resumes.

        Refused (False) outside a device callback, when the run is already ending, and
        for instructions that may have made other accesses already (STM, PUSH, ...):
        redoing those would repeat their effects.
        """
        if not (self._in_run and self._in_access) or self._stop is not None:
            return False
        pc = self.pc
        try:
            halfword = int.from_bytes(self.uc.mem_read(pc, 2), "little")
        except self._uc_error:  # code not readable here: do not risk a redo
            return False
        if makes_several_accesses(halfword):
            return False
        self._stop = RunResult(STOP_STALL, None, fault_addr=pc)
        self.uc.emu_stop()
        return True

    def _device_fault(self, addr: int) -> None:
        # A device refused an access during a run (wrong flash key, ...): on silicon an
        # AHB error response, reported as an imprecise bus fault once the run ends.
        self._pending_fault = (FAULT_BUS_IMPRECISE, addr)
        if self._in_run:
            self.uc.emu_stop()

    # -- registers --------------------------------------------------------------

    def _selector_table(self) -> dict[int, int]:
        a = self._arm
        table = {i: getattr(a, f"UC_ARM_REG_R{i}") for i in range(13)}
        table.update({13: a.UC_ARM_REG_SP, 14: a.UC_ARM_REG_LR, 15: a.UC_ARM_REG_PC,
                      16: a.UC_ARM_REG_XPSR, 17: a.UC_ARM_REG_MSP, 18: a.UC_ARM_REG_PSP})
        if self.model.has_fpu:
            table[33] = a.UC_ARM_REG_FPSCR
            table.update({64 + i: getattr(a, f"UC_ARM_REG_S{i}") for i in range(32)})
        return table

    def has_register(self, sel: int) -> bool:
        return sel in self._regs_by_sel or sel == 20

    def read_register(self, sel: int) -> int:
        """Value of the register DCRSR selector `sel` names (0 for unknown selectors)."""
        a = self._arm
        u = self.uc
        if sel == 20:
            return ((u.reg_read(a.UC_ARM_REG_CONTROL) & 0xFF) << 24
                    | (u.reg_read(a.UC_ARM_REG_FAULTMASK) & 1) << 16
                    | (u.reg_read(a.UC_ARM_REG_BASEPRI) & 0xFF) << 8
                    | (u.reg_read(a.UC_ARM_REG_PRIMASK) & 1))
        reg = self._regs_by_sel.get(sel)
        if reg is None:
            return 0
        value = u.reg_read(reg) & 0xFFFFFFFF
        if sel == 15:
            value &= ~1
        return value

    def write_register(self, sel: int, value: int) -> None:
        a = self._arm
        u = self.uc
        value &= 0xFFFFFFFF
        if sel == 20:
            u.reg_write(a.UC_ARM_REG_PRIMASK, value & 1)
            u.reg_write(a.UC_ARM_REG_BASEPRI, (value >> 8) & 0xFF)
            u.reg_write(a.UC_ARM_REG_FAULTMASK, (value >> 16) & 1)
            u.reg_write(a.UC_ARM_REG_CONTROL, (value >> 24) & (7 if self.model.has_fpu else 3))
            return
        if sel == 15:
            self.pc = value
            return
        reg = self._regs_by_sel.get(sel)
        if reg is None:
            return
        if sel in (13, 17, 18):
            value &= ~3
        u.reg_write(reg, value)

    @property
    def pc(self) -> int:
        return self.uc.reg_read(self._arm.UC_ARM_REG_PC) & 0xFFFFFFFE

    @pc.setter
    def pc(self, value: int) -> None:
        # Unicorn takes EPSR.T from bit 0 of a PC write: keep the current T bit.
        thumb = (self.xpsr >> 24) & 1
        self.uc.reg_write(self._arm.UC_ARM_REG_PC, (value & 0xFFFFFFFE) | thumb)

    @property
    def xpsr(self) -> int:
        return self.uc.reg_read(self._arm.UC_ARM_REG_XPSR) & 0xFFFFFFFF

    @xpsr.setter
    def xpsr(self, value: int) -> None:
        self.uc.reg_write(self._arm.UC_ARM_REG_XPSR, value & 0xFFFFFFFF)

    @property
    def ipsr(self) -> int:
        return self.xpsr & 0x1FF

    # -- reset and exceptions ---------------------------------------------------

    def reset(self, vtor: int) -> bool:
        """Core reset: registers to reset values, then SP and PC fetched from `vtor`.

        Returns False when the vector fetch faulted (the core then starts from the
        all-ones values a failed fetch leaves, as a read-protected STM32 does).
        """
        a = self._arm
        u = self.uc
        self.vtor = vtor
        self.stkalign = self.model.stkalign_reset
        u.reg_write(a.UC_ARM_REG_XPSR, 0x01000000)  # thread mode, so MSP is selected
        u.reg_write(a.UC_ARM_REG_CONTROL, 0)
        u.reg_write(a.UC_ARM_REG_PRIMASK, 0)
        u.reg_write(a.UC_ARM_REG_BASEPRI, 0)
        u.reg_write(a.UC_ARM_REG_FAULTMASK, 0)
        u.reg_write(a.UC_ARM_REG_LR, 0xFFFFFFFF)
        if self.model.has_fpu:
            u.reg_write(a.UC_ARM_REG_FPSCR, 0)
        ok = True
        try:
            sp = self._read32(vtor)
            entry = self._read32(vtor + 4)
        except BusFault:
            sp = entry = 0xFFFFFFFF
            ok = False
        u.reg_write(a.UC_ARM_REG_MSP, sp & ~3)
        u.reg_write(a.UC_ARM_REG_PSP, 0)
        u.reg_write(a.UC_ARM_REG_XPSR, 0x01000000 if entry & 1 else 0)
        u.reg_write(a.UC_ARM_REG_PC, entry)  # bit 0 becomes EPSR.T, as on silicon
        self._pending_fault = None
        return ok

    def take_exception(self, number: int, return_pc: int) -> bool:
        """Exception entry: stack the frame, switch to handler mode, fetch the vector.

        Returns False when the entry itself failed and the core must lock up.
        """
        a = self._arm
        u = self.uc
        xpsr = self.xpsr
        ipsr = xpsr & 0x1FF
        if number == HARDFAULT and ipsr in (2, HARDFAULT):
            return False  # a fault while handling NMI/HardFault: lockup
        control = u.reg_read(a.UC_ARM_REG_CONTROL)
        use_psp = ipsr == 0 and bool(control & 2)
        sp = u.reg_read(a.UC_ARM_REG_PSP if use_psp else a.UC_ARM_REG_MSP)
        frame = (sp - 32) & 0xFFFFFFFF
        stacked_xpsr = xpsr
        if self.stkalign and frame & 4:
            frame -= 4
            stacked_xpsr |= 1 << 9
        regs = [u.reg_read(getattr(a, f"UC_ARM_REG_R{i}")) for i in range(4)]
        regs += [u.reg_read(a.UC_ARM_REG_R12), u.reg_read(a.UC_ARM_REG_LR)]
        words = regs + [return_pc & ~1, stacked_xpsr]
        try:
            for i, word in enumerate(words):
                self._write32(frame + 4 * i, word & 0xFFFFFFFF)
            vector = self._read32(self.vtor + 4 * number)
        except BusFault:
            return False
        if ipsr:
            exc_return = 0xFFFFFFF1
        else:
            exc_return = 0xFFFFFFFD if use_psp else 0xFFFFFFF9
        u.reg_write(a.UC_ARM_REG_PSP if use_psp else a.UC_ARM_REG_MSP, frame)
        u.reg_write(a.UC_ARM_REG_CONTROL, control & ~4)  # FPCA cleared
        u.reg_write(a.UC_ARM_REG_XPSR, (xpsr & 0xF8000000) | (0x01000000 if vector & 1 else 0) | number)
        u.reg_write(a.UC_ARM_REG_LR, exc_return)
        if not vector & 1:
            return False  # INVSTATE on the handler's first instruction while escalated
        u.reg_write(a.UC_ARM_REG_PC, vector)
        return True

    def lock_up(self) -> None:
        """Lockup after a fault in HardFault or on its entry: the core reports the
        HardFault handler as active and sits at 0xFFFFFFFE, SP unchanged."""
        xpsr = self.xpsr
        if not xpsr & 0x1FF:
            self.xpsr = (xpsr & ~0x1FF) | HARDFAULT | 0x01000000
        self.uc.reg_write(self._arm.UC_ARM_REG_PC, LOCKUP_PC | 1)

    def _exception_return(self, exc_return: int) -> bool:
        a = self._arm
        u = self.uc
        to_thread = bool(exc_return & 8)
        use_psp = bool(exc_return & 4)
        basic = bool(exc_return & 0x10)
        sp = u.reg_read(a.UC_ARM_REG_PSP if use_psp else a.UC_ARM_REG_MSP)
        try:
            words = [self._read32(sp + 4 * i) for i in range(8 if basic else 26)]
        except BusFault:
            return False
        stacked_xpsr = words[7]
        size = 32 if basic else 104
        if stacked_xpsr & (1 << 9):
            size += 4
        control = u.reg_read(a.UC_ARM_REG_CONTROL)
        control = (control | 2) if use_psp else (control & ~2)
        u.reg_write(a.UC_ARM_REG_CONTROL, control)
        # Writing IPSR switches Unicorn's banked SP to the one CONTROL.SPSEL now selects.
        ipsr = 0 if to_thread else (stacked_xpsr & 0x1FF or 1)
        u.reg_write(a.UC_ARM_REG_XPSR, (stacked_xpsr & ~0x3FF) | ipsr)
        for i in range(4):
            u.reg_write(getattr(a, f"UC_ARM_REG_R{i}"), words[i])
        u.reg_write(a.UC_ARM_REG_R12, words[4])
        u.reg_write(a.UC_ARM_REG_LR, words[5])
        if not basic and self.model.has_fpu:
            for i in range(16):
                u.reg_write(getattr(a, f"UC_ARM_REG_S{i}"), words[8 + i])
            u.reg_write(a.UC_ARM_REG_FPSCR, words[24])
        u.reg_write(a.UC_ARM_REG_PSP if use_psp else a.UC_ARM_REG_MSP, sp + size)
        u.reg_write(a.UC_ARM_REG_PC, words[6] | 1)
        return True

    # -- debug hooks ---------------------------------------------------------

    def set_breakpoints(self, addresses: set[int]) -> None:
        """Install hooks so execution stops *before* any instruction at these addresses."""
        changed = []
        for addr in list(self._bp_hooks):
            if addr not in addresses:
                self.uc.hook_del(self._bp_hooks.pop(addr))
                changed.append(addr)
        for addr in addresses:
            if addr not in self._bp_hooks:
                self._bp_hooks[addr] = self.uc.hook_add(
                    self._ucc.UC_HOOK_CODE, self._on_breakpoint, None, addr, addr
                )
                changed.append(addr)
        # Code hooks are compiled into translated blocks: retranslate code already run.
        for addr in changed:
            self.uc.ctl_remove_cache(addr & ~1, (addr & ~1) + 4)

    def set_watchpoints(self, watches: list[tuple[int, int, bool, bool]]) -> None:
        """`watches`: (first address, last address, on read, on write).

        A match is noted by a memory hook and acted on before the next instruction:
        stopping inside the access would leave the instruction half done (its base
        register writeback lost); silicon halts after it. That needs a hook on every
        instruction, so a core with a watchpoint armed runs several times slower.
        """
        for handle in self._wp_hooks:
            self.uc.hook_del(handle)
        self._wp_hooks = []
        ucc = self._ucc
        for first, last, on_read, on_write in watches:
            kinds = (ucc.UC_HOOK_MEM_READ if on_read else 0) | (ucc.UC_HOOK_MEM_WRITE if on_write else 0)
            if kinds:
                self._wp_hooks.append(self.uc.hook_add(kinds, self._on_watch, None, first, last))
        if self._wp_hooks:
            self._wp_hooks.append(self.uc.hook_add(ucc.UC_HOOK_CODE, self._on_insn_after_watch))
        # Memory and block hooks also decide how code is translated: start afresh.
        self.uc.ctl_flush_tb()

    def _on_breakpoint(self, uc: object, address: int, size: int, _ud: object) -> None:
        if self._stop is None:
            self._stop = RunResult(STOP_FPB, None, fault_addr=address)
            self.uc.emu_stop()

    def _on_watch(self, uc: object, access: int, address: int, size: int, value: int, _ud: object) -> None:
        if self._watch_hit is None:
            self._watch_hit = address

    def _on_insn_after_watch(self, uc: object, address: int, size: int, _ud: object) -> None:
        if self._watch_hit is not None and self._stop is None:
            self._stop = RunResult(STOP_WATCH, None, fault_addr=self._watch_hit)
            self._watch_hit = None
            self.uc.emu_stop()

    def _on_unmapped(self, uc: object, access: int, address: int, size: int, value: int, _ud: object) -> bool:
        self._unmapped_addr = address
        return False

    def _on_intr(self, uc: object, intno: int, _ud: object) -> None:
        if intno == EXCP_EXCEPTION_EXIT:
            exc_return = self.uc.reg_read(self._arm.UC_ARM_REG_PC) | 1
            if self._exception_return(exc_return):
                return
            self._set_stop(FAULT_DBUS, None)
            return
        if intno == EXCP_SWI:
            # SVC: Unicorn has already stepped past it; the frame returns after it.
            if self.take_exception(SVCALL, self.pc):
                return
            self._set_stop(FAULT_DBUS, None)
            return
        if intno == EXCP_BKPT:
            if self._stop is None:
                self._stop = RunResult(STOP_BKPT, None, fault_addr=self.pc)
            self.uc.emu_stop()
            return
        kind = {
            EXCP_UDEF: FAULT_UNDEF,
            EXCP_PREFETCH_ABORT: FAULT_IBUS,
            EXCP_DATA_ABORT: FAULT_DBUS,
            EXCP_NOCP: FAULT_NOCP,
            EXCP_INVSTATE: FAULT_INVSTATE,
            EXCP_UNALIGNED: FAULT_UNALIGNED,
            EXCP_DIVBYZERO: FAULT_DIVBYZERO,
        }.get(intno, FAULT_UNDEF)
        self._set_stop(kind, self._unmapped_addr if kind == FAULT_DBUS else None)

    def _set_stop(self, fault: str, addr: int | None) -> None:
        if self._stop is None:
            self._stop = RunResult(STOP_FAULT, None, fault=fault, fault_addr=addr)
        self.uc.emu_stop()

    # -- running -----------------------------------------------------------------

    def run(self, count: int) -> RunResult:
        """Execute at most `count` instructions from the current PC."""
        from unicorn import UcError

        if self._pending_fault:
            kind, addr = self._pending_fault
            self._pending_fault = None
            return RunResult(STOP_FAULT, 0, fault=kind, fault_addr=addr)
        if not self.xpsr & 0x01000000:
            return RunResult(STOP_FAULT, 0, fault=FAULT_INVSTATE)
        self._stop = None
        self._watch_hit = None
        self._unmapped_addr = None
        self._in_run = True
        error = None
        try:
            # 0xFFFFFFFF as the end address: an odd address is never a Thumb PC.
            self.uc.emu_start(self.pc | 1, 0xFFFFFFFF, 0, count)
        except UcError as exc:
            error = exc
        finally:
            self._in_run = False
        if self._pending_fault and self._stop is None:
            kind, addr = self._pending_fault
            self._pending_fault = None
            return RunResult(STOP_FAULT, None, fault=kind, fault_addr=addr)
        if self._stop is not None:
            return self._stop
        if self._watch_hit is not None and error is None:
            # matched by the last instruction of the run: it has completed
            addr, self._watch_hit = self._watch_hit, None
            return RunResult(STOP_WATCH, count, fault_addr=addr)
        if error is not None:
            return RunResult(STOP_FAULT, None, fault=self._classify(error), fault_addr=self._unmapped_addr)
        return RunResult(STOP_COUNT, count)

    def _classify(self, error: Exception) -> str:
        ucc = self._ucc
        errno = getattr(error, "errno", None)
        if errno in (ucc.UC_ERR_FETCH_UNMAPPED, ucc.UC_ERR_FETCH_PROT):
            return FAULT_IBUS
        if errno == ucc.UC_ERR_INSN_INVALID:
            return FAULT_UNDEF
        return FAULT_DBUS

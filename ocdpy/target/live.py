"""Live targets: a declared target (`TargetConfig`) coupled at `init` to the core that
runs it (`ocdpy.arm.CortexM` behind an ST-Link), with OpenOCD's run-time behaviour on
top: examination with its events, run control that fires resume/step events, the two
halves of a reset as the startup script's `arp_reset` drives them, the halt message,
registers as `reg` sees them, and breakpoint/watchpoint bookkeeping.

`create_targets(session)` is the init step: one `Target` per `hla_target` or
`cortex_m` target, examined (unless `-defer-examine`), kept in
`session.runtime_targets[name]`, where the flash commands and the servers find them.
Nothing here prints except OpenOCD's own log lines (through `ocdpy.log`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocdpy import log
from ocdpy.errors import OcdError, TargetError, TargetNotHaltedError
from ocdpy.target import events

if TYPE_CHECKING:
    from ocdpy.arm import CortexM
    from ocdpy.target.target_config import TargetConfig

# Target types ocdpy can run (an hla transport turns cortex_m into hla_target).
SUPPORTED_TYPES = ("hla_target", "cortex_m")
DEFAULT_HALT_TIMEOUT_MS = 5000
# OpenOCD's armv7m register cache: 59 entries (r0..fpscr) before the DWT ones.
ARMV7M_CACHE_SIZE = 59
PMSK_INDEX = 19  # the hidden packed PRIMASK/BASEPRI/FAULTMASK/CONTROL word
RESET_SETTLE_POLLS = 4
# OpenOCD stops growing the backoff once it reaches 5 s of 100 ms poll periods.
MAX_BACKOFF = 50


class Target:
    """One target of the session at run time (OpenOCD's `struct target`)."""

    def __init__(self, session: Any, config: TargetConfig, core: CortexM) -> None:
        self.session = session
        self.config = config
        self.core = core
        self.name = config.name
        # OpenOCD prints the halt message unless a GDB session is attached (gdb-start).
        self.verbose_halt_msg = True
        # OpenOCD registers its halt-message printer only at the end of init.
        self.print_halts = False
        self._blank_hint_shown = False
        self.reset_halt = False
        # Registers changed by `reg`/`set_reg` since the last halt: OpenOCD writes them
        # back on resume and lists them as "(dirty)" until then.
        self.dirty: set[str] = set()
        self.last_values: dict[str, int] = {}
        # OpenOCD's breakpoint/watchpoint ids (`BP 3`): address -> id.
        self.bp_ids: dict[int, int] = {}
        self.wp_ids: dict[int, int] = {}
        # Commands to skip before the next poll after failed ones (OpenOCD's backoff).
        self.backoff_times = 0
        self.backoff_count = 0
        core.on_event = self._core_event
        events.listeners(session).append(self._session_event)

    # -- identity and state ------------------------------------------------------------------

    @property
    def type_name(self) -> str:
        return self.config.type_name

    @property
    def is_hla(self) -> bool:
        return self.config.type_name == "hla_target"

    @property
    def examined(self) -> bool:
        return bool(self.core.examined)

    @property
    def state(self) -> str:
        """OpenOCD's target_state_name."""
        if not self.examined and self.config.defer_examine:
            return "examine deferred"
        return str(self.core.state.value)

    @property
    def halted(self) -> bool:
        return self.state == "halted"

    def flash_target(self):  # -> ocdpy.arm.flash_target.CortexFlashTarget
        """The flash layer's view of this target (where `flash ...` and verify_image run
        their routines): the core's own, which gives back the registers a routine
        changed, as OpenOCD's run_algorithm does: after `verify_image` or `flash
        write_image` the core resumes where it was."""
        return self.core.flash_target()

    def require_examined(self) -> None:
        if not self.examined:
            raise TargetError(f"[{self.name}] Target not examined yet: run `{self.name} arp_examine` "
                              "(or `reset`) once it can be reached")

    def require_halted(self, what: str = "") -> None:
        if not self.halted:
            doing = f" ({what})" if what else ""
            raise TargetNotHaltedError(f"[{self.name}] target not halted{doing}: halt it first (`halt`)")

    # -- events --------------------------------------------------------------------------------

    def fire(self, event: str) -> None:
        """OpenOCD's target_call_event_callbacks for one of this target's events."""
        events.fire(self.session, self.config, event)

    def _core_event(self, event: str) -> None:
        """What the core reports (halted, resumed, debug-halted, debug-resumed)."""
        if event == "halted":
            self.dirty.clear()
            events.fire_halted(self.session, self.config, self._halt_message)
            if self.print_halts and not self._blank_hint_shown:
                hint = self._erased_vectors_hint()
                if hint:
                    self._blank_hint_shown = True
                    say, text = hint
                    say(text)
        else:
            if event in ("resumed", "debug-resumed"):
                self.dirty.clear()
            self.fire(event)

    def _erased_vectors_hint(self):  # -> (log function, text) | None
        """A word once per session for a halt at pc 0xfffffffe, which looks like a fault
        to someone who has not seen it: blank flash (an Info line), or read-out
        protection (a Warn line with the bank's unlock command)."""
        found = self.core.erased_vectors()
        if found is None:
            return None
        kind, vtor = found
        name = self.name
        if kind == "blank":
            return log.info, (f"[{name}] pc 0xfffffffe: the vector table reads 0xffffffff, so the flash is "
                              "blank (erased); program your firmware, e.g. `program firmware.elf verify reset`")
        banks = [b for b in self.session.config.flash_banks if b.target == name]
        bank = next((b for b in banks if b.base <= vtor < b.base + max(b.size, 1)), banks[0] if banks else None)
        unlock = (f"`{bank.driver} unlock {bank.number}` removes it and erases the whole flash"
                  if bank is not None and bank.driver.startswith("stm32") else
                  "the flash driver's `unlock` command removes it (erasing the flash)")
        return log.warning, (f"[{name}] pc 0xfffffffe: the core could not fetch its reset vector, and "
                             f"reading the vector table at {vtor:#010x} faults for the debugger too: the "
                             f"flash is read-out protected (RDP); {unlock}; after a reset (or power cycle) "
                             "program it again")

    def _halt_message(self) -> str | None:
        if not (self.print_halts and self.verbose_halt_msg) or not self.halted:
            return None
        return self.core.arch_state()

    def _session_event(self, name: str, event: str) -> None:
        if name != self.name:
            return
        if event == "gdb-start":
            self.verbose_halt_msg = False
        elif event == "gdb-end":
            self.verbose_halt_msg = True

    # -- examination -----------------------------------------------------------------------------

    def examine(self) -> None:
        """The type's examine (identify the core once); raises on failure."""
        self.core.examine()

    def examine_one(self) -> bool:
        """OpenOCD's target_examine_one: examine between examine-start and
        examine-end (examine-fail on failure); False if it failed (reported)."""
        self.fire("examine-start")
        try:
            self.examine()
        except OcdError as e:
            log.error(e.message)
            self.fire("examine-fail")
            return False
        self.fire("examine-end")
        return True

    # -- run control ------------------------------------------------------------------------------

    def poll(self) -> str:
        self.require_examined()
        state = str(self.core.poll().value)
        self.backoff_times = 0
        return state

    def halt(self) -> None:
        self.require_examined()
        self.core.halt()

    def wait_state(self, state: str, timeout_ms: int) -> None:
        """Poll until `state` (OpenOCD's target_wait_state); TargetError on timeout."""
        from ocdpy.arm import TargetState

        self.require_examined()
        self.core.wait_state(TargetState(state), timeout_ms)
        self.backoff_times = 0

    def resume(self, address: int | None = None, handle_breakpoints: bool = True,
               debug_execution: bool = False) -> None:
        self.require_examined()
        self.fire("resume-start")
        self.core.resume(address, handle_breakpoints=handle_breakpoints, debug_execution=debug_execution)
        self.fire("resume-end")

    def step(self, address: int | None = None, handle_breakpoints: bool = True) -> None:
        self.require_examined()
        self.fire("step-start")
        self.core.step(address, handle_breakpoints=handle_breakpoints)
        self.fire("step-end")

    def soft_reset_halt(self) -> None:
        self.require_examined()
        self.core.soft_reset_halt()

    # -- reset (arp_reset) ----------------------------------------------------------------------------

    def _sync_reset_settings(self) -> None:
        """`reset_config` and `cortex_m reset_config` may change after init."""
        wanted = self.session.config.adapter.reset
        rc = self.core.reset_config
        for attr in ("has_srst", "has_trst", "srst_nogate", "connect_assert_srst"):
            if hasattr(wanted, attr) and hasattr(rc, attr):
                setattr(rc, attr, bool(getattr(wanted, attr)))
        if not self.is_hla:
            self.core.soft_reset = self.config.type_options.get("reset_config", "vectreset")

    def assert_reset(self, halt: bool) -> None:
        """`$target arp_reset assert HALT`: arm the halt and start the reset."""
        from ocdpy.arm import TargetState

        self.reset_halt = halt
        self.dirty.clear()
        if self.config.defer_examine:
            self.core.examined = False
        if self.core.work_areas is not None:
            self.core.work_areas.free_all()
        self._sync_reset_settings()
        if not self.is_hla and self.config.event_body("reset-assert") is not None:
            # cortex_m lets a reset-assert handler replace the reset itself.
            events.run_handler(self.session, self.config, "reset-assert")
            self.core.state = TargetState.RESET
            return
        if not self.is_hla and not self.core.reset_config.has_srst and self.core.soft_reset == "vectreset":
            log.warning(f"[{self.name}] Only resetting the Cortex-M core, use a reset-init event handler "
                        "to reset any peripherals or configure hardware srst support.")
        self.core.assert_reset(halt)

    def deassert_reset(self, halt: bool) -> None:
        """`$target arp_reset deassert HALT`: release the reset. The hla target then
        resumes the core itself when no halt was asked, with the resume events."""
        self.reset_halt = halt
        self.backoff_times = 0  # a reset is the way to regain a lost core: poll it again at once
        self.core.deassert_reset()
        if not halt:
            self.settle_after_reset()
        if self.is_hla and not halt:
            self.fire("resume-start")
            self._core_event("resumed")
            self.fire("resume-end")

    def settle_after_reset(self) -> None:
        """Poll until the core has left reset (the first poll sees the reset, the next
        one follows the core), so a `halt` right after `reset run` is a real halt."""
        from ocdpy.arm import TargetState

        if not self.examined:
            return
        for _ in range(RESET_SETTLE_POLLS):
            try:
                if self.core.poll() != TargetState.RESET:
                    return
            except OcdError as e:
                # firmware that cuts the debug link as soon as it runs; the next poll says so
                log.debug(f"[{self.name}] no answer after the reset: {e}")
                return

    # -- registers -------------------------------------------------------------------------------------

    def register_count(self) -> int:
        """How many entries OpenOCD's register caches have (its `reg N` bound)."""
        info = self.core.info
        dwt = 2 + 3 * info.num_watchpoints if info is not None and info.num_watchpoints else 0
        return ARMV7M_CACHE_SIZE + dwt

    def register_by_number(self, number: int):  # -> CoreRegister | str | None
        """The register at OpenOCD's cache index, "pmsk_bpri_fltmsk_ctrl" for the hidden
        word, or None where OpenOCD has no existing register."""
        if number == PMSK_INDEX:
            return "pmsk_bpri_fltmsk_ctrl"
        for reg in self.core.register_list():
            if reg.number == number:
                return reg
        return None

    def read_register(self, name: str) -> int:
        self.require_halted()
        if name == "pmsk_bpri_fltmsk_ctrl":
            value = 0
            for part, shift in (("primask", 0), ("basepri", 8), ("faultmask", 16), ("control", 24)):
                value |= self.core.read_register(part) << shift
        else:
            value = self.core.read_register(name)
        self.last_values[name] = value
        return value

    def cached_register(self, name: str) -> int | None:
        if name == "pmsk_bpri_fltmsk_ctrl":
            return self.read_register(name) if self.halted else None
        return self.core.cached_register(name)

    def write_register(self, name: str, value: int) -> None:
        self.require_halted()
        if name == "pmsk_bpri_fltmsk_ctrl":
            for part, shift, bits in (("primask", 0, 1), ("basepri", 8, 8), ("faultmask", 16, 1),
                                      ("control", 24, 3)):
                self.core.write_register(part, (value >> shift) & ((1 << bits) - 1))
        else:
            self.core.write_register(name, value)
        self.dirty.add(name)
        self.last_values[name] = value

    # -- memory ------------------------------------------------------------------------------------------

    def read_memory(self, address: int, size: int, count: int) -> bytes:
        self.require_examined()
        return self.core.read_memory(address, size, count)

    def write_memory(self, address: int, size: int, data: bytes) -> None:
        self.require_examined()
        self.core.write_memory(address, size, data)

    def read_buffer(self, address: int, length: int) -> bytes:
        self.require_examined()
        return self.core.read_buffer(address, length)

    def write_buffer(self, address: int, data: bytes) -> None:
        self.require_examined()
        self.core.write_buffer(address, data)


# -- breakpoint and watchpoint ids ---------------------------------------------------------------------


def next_bpwp_id(session: Any) -> int:
    """OpenOCD numbers breakpoints and watchpoints from one counter per process."""
    value = getattr(session, "bpwp_unique_id", 0)
    session.bpwp_unique_id = value + 1
    return value


# -- the init step --------------------------------------------------------------------------------------


def refresh(session: Any) -> dict[str, OcdError]:
    """OpenOCD polls every examined target before it runs a command (its timer
    callbacks), so a halt that happened meanwhile is noticed and reported first. Not
    while a reset runs or after `poll off`. Returns the polls that failed, by target
    name (the command decides whether that stops it).

    A target whose poll failed is skipped for a growing number of commands (1, 3, 7,
    ... up to 63, OpenOCD's backoff), so a lost link costs neither a reconnect attempt
    nor its log line before every `echo`; `session.last_poll_skipped` names those
    targets, and the target commands poll them themselves."""
    failed: dict[str, OcdError] = {}
    skipped: set[str] = set()
    session.last_poll_failures = failed
    session.last_poll_skipped = skipped
    if not getattr(session, "background_polling", True):
        return failed
    for target in list(getattr(session, "runtime_targets", {}).values()):
        if not isinstance(target, Target) or not target.examined or not target.print_halts:
            continue
        if target.backoff_count < target.backoff_times:
            target.backoff_count += 1
            skipped.add(target.name)
            continue
        error = poll_once(target)
        if error is not None:
            failed[target.name] = error
    return failed


def poll_once(target: Target) -> OcdError | None:
    """Poll one target, keeping OpenOCD's backoff after failures; the error, if any."""
    target.backoff_count = 0
    try:
        target.core.poll()
    except OcdError as e:
        log.debug(f"polling {target.name} failed: {e}")
        if target.backoff_times < MAX_BACKOFF:
            target.backoff_times = target.backoff_times * 2 + 1
        return e
    target.backoff_times = 0
    return None


def live_target(session: Any, name: str) -> Target | None:
    found = getattr(session, "runtime_targets", {}).get(name)
    return found if isinstance(found, Target) else None


def create_targets(session: Any) -> None:
    """Init step: a live target per declared Cortex-M target, examined as OpenOCD's
    target_examine does (targets with -defer-examine are left for arp_examine)."""
    adapter = session.adapter
    if adapter is None:
        return
    ports: dict[str, Any] = {}
    made: list[Target] = []
    for cfg in session.config.targets:
        if cfg.type_name not in SUPPORTED_TYPES:
            log.warning(f"ocdpy cannot run target {cfg.name} of type {cfg.type_name} (it drives "
                        f"{' and '.join(SUPPORTED_TYPES)} targets); commands on it will fail")
            continue
        try:
            mem = _memory_port(adapter, cfg, ports)
        except OcdError as e:
            log.error(e.message)
            log.warning(f"target {cfg.name} examination failed")
            continue
        from ocdpy.arm import CortexM

        soft = "sysresetreq" if cfg.type_name == "hla_target" else cfg.type_options.get("reset_config",
                                                                                          "vectreset")
        core = CortexM(cfg.name, mem, adapter, reset_config=adapter.reset_config, soft_reset=soft)
        if cfg.work_area_size:
            core.configure_work_area(cfg.work_area_phys, cfg.work_area_size, cfg.work_area_backup)
        target = Target(session, cfg, core)
        session.runtime_targets[cfg.name] = target
        made.append(target)
    for target in made:
        if target.config.defer_examine:
            continue
        if not target.examine_one():
            log.warning(f"target {target.name} examination failed")
    session.post_init_hooks.append(lambda: _after_init(made))


def _after_init(targets: list[Target]) -> None:
    """The end of init: halt messages from now on, and a first poll (OpenOCD's poller
    runs as soon as init is done, so a halted core is reported then)."""
    for target in targets:
        target.print_halts = True
        if target.examined:
            try:
                target.poll()
            except OcdError as e:
                log.debug(f"first poll of {target.name} failed: {e}")


def _memory_port(adapter: Any, cfg: TargetConfig, ports: dict[str, Any]) -> Any:
    """The memory port the core sits behind: the probe's own for hla, else the MEM-AP
    of the target's DAP (connected once per DAP)."""
    from ocdpy.arm import DebugPort, HlaMemAP, MemAP

    if adapter.hla is not None:
        return HlaMemAP(adapter.hla, max(cfg.ap_num, 0))
    if adapter.dap is None:
        raise TargetError(f"target {cfg.name}: the adapter gives no access to a DAP")
    key = cfg.dap.name if cfg.dap is not None else ""
    dp = ports.get(key)
    if dp is None:
        dp = DebugPort(adapter.dap)
        dp.connect()
        ports[key] = dp
    ap = dp.ap(cfg.ap_num) if cfg.ap_num >= 0 else dp.find_mem_ap()
    mem = MemAP(ap)
    mem.init()
    return mem

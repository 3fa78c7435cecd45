"""The servers' view (`ServerTarget`) of a live Cortex-M target of the session.

It maps GDB's needs onto the debug layer's `CortexM` (ocdpy.arm), the target's
configuration (`TargetConfig`: event handlers, `-gdb-port`, `-gdb-max-connections`)
and the flash layer's banks (ocdpy.flash.program): run control as OpenOCD's GDB server
drives it (continue and step without stepping over breakpoints, which GDB handles),
registers by OpenOCD's numbers, memory of any alignment, flash erase and vFlash writes
with the same padding rules as `flash write_image`, qCRC by the on-target routine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ocdpy import log
from ocdpy.errors import FlashError, OcdError, TargetError
from ocdpy.server.targets import EventListener, FlashRegion, GdbRegister, NotSupportedError

_TYPES = {"sp": "data_ptr", "msp": "data_ptr", "psp": "data_ptr", "pc": "code_ptr",
          "primask": "int8", "basepri": "int8", "faultmask": "int8", "control": "int8"}
_REASONS = {"target-not-halted": "not-halted", "undefined": "undefined"}


def runtime_target(session: object, name: str) -> Any:
    """The live target object for a target name, where the session keeps it (the same
    places the flash commands look: runtime_target(), runtime_targets, cores, or the
    TargetConfig's runtime/core/object)."""
    getter = getattr(session, "runtime_target", None)
    obj = getter(name) if callable(getter) else None
    for attr in ("runtime_targets", "cores"):
        table = getattr(session, attr, None)
        if obj is None and isinstance(table, dict):
            obj = table.get(name)
    if obj is None:
        config = getattr(session, "config", None)
        cfg = config.target(name) if config is not None and hasattr(config, "target") else None
        for attr in ("runtime", "core", "object"):
            obj = obj or getattr(cfg, attr, None)
    return obj


def adapt_target(target: Any, session: object) -> CortexServerTarget | None:
    """A live target (ocdpy.target.live.Target, which wraps a CortexM) or a bare CortexM."""
    if hasattr(target, "register_list"):
        return CortexServerTarget(target, session)
    core = getattr(target, "core", None)
    if core is None or not hasattr(core, "register_list"):
        return None
    return CortexServerTarget(core, session, live=target)


class CortexServerTarget:
    """Run control, registers, memory and events go through the live target (`live`)
    when there is one, so its events (resume-start/end, step-start/end, halted with the
    halt message) and register bookkeeping are OpenOCD's; breakpoints, the register
    list and checksums use the core."""

    architecture = "arm"

    def __init__(self, core: Any, session: object, live: Any = None) -> None:
        self.core = core
        self.session = session
        self.live = live
        self._run = live if live is not None else core
        self.name = core.name
        config = getattr(session, "config", None)
        self.config = getattr(live, "config", None)
        if self.config is None and config is not None and hasattr(config, "target"):
            self.config = config.target(core.name)
        self.type_name = getattr(self.config, "type_name", "cortex_m")
        self.gdb_port_override = getattr(self.config, "gdb_port", None)
        self.gdb_max_connections = getattr(self.config, "gdb_max_connections", 1)
        self._listeners: list[EventListener] = []
        self._hooked = False
        # When the session announces every target event itself (fire_event calling
        # session.target_event_listeners), the host listens there; otherwise this
        # adapter passes on what it sees: GDB's events and the core's halted/resumed.
        self.session_announces = isinstance(getattr(session, "target_event_listeners", None), list)

    # -- state ---------------------------------------------------------------------------

    def state(self) -> str:
        if self.live is not None:
            return self.live.state
        return str(getattr(self.core.state, "value", self.core.state))

    def debug_reason(self) -> str:
        reason = str(getattr(self.core.debug_reason, "value", self.core.debug_reason))
        return _REASONS.get(reason, reason)

    def examined(self) -> bool:
        return bool(self.core.examined)

    def poll_quietly(self) -> None:
        if self.core.examined:
            self._run.poll()

    def halt(self) -> None:
        self._run.halt()

    def resume(self, address: int | None = None) -> None:
        # As OpenOCD's GDB server: no stepping over a breakpoint at the PC; GDB removes
        # its breakpoints there and steps itself.
        self._run.resume(address, handle_breakpoints=False)

    def step(self, address: int | None = None) -> None:
        self._run.step(address, handle_breakpoints=False)

    # -- registers -----------------------------------------------------------------------

    def gdb_registers(self) -> list[GdbRegister]:
        regs = []
        for r in self.core.register_list():
            kind = _TYPES.get(r.name, "ieee_double" if r.bits == 64 else "int")
            regs.append(GdbRegister(r.name, r.number, r.bits, kind, r.group, r.feature,
                                    general=r.number <= 16))
        return regs

    def read_register(self, reg: GdbRegister) -> int:
        return self._run.read_register(reg.name)

    def write_register(self, reg: GdbRegister, value: int) -> None:
        self._run.write_register(reg.name, value)

    # -- memory ----------------------------------------------------------------------------

    def read_memory(self, address: int, size: int) -> bytes:
        return self._run.read_buffer(address, size)

    def write_memory(self, address: int, data: bytes) -> None:
        self._run.write_buffer(address, data)

    def checksum_memory(self, address: int, size: int) -> int | None:
        if self.core.work_areas is None or self.state() != "halted":
            return None  # GDB's server computes it from a read-back
        from ocdpy.flash.program import checksum_memory

        try:
            with self._context_kept():
                return checksum_memory(self.core.flash_target(), [(address, size)])[0]
        except OcdError as e:
            log.debug(f"on-target checksum failed ({e}); reading the memory back")
            return None

    @contextmanager
    def _context_kept(self) -> Iterator[None]:
        """Around a routine run on the core (CRC, flash loader): the core registers as
        GDB knows them are put back afterwards, as OpenOCD's run_algorithm does."""
        names = [r.name for r in self.core.register_list() if r.bits <= 32 and r.group != "float"]
        saved = {name: self.core.read_register(name) for name in names} if self.state() == "halted" else {}
        try:
            yield
        finally:
            if saved and self.state() == "halted":
                try:
                    for name, value in saved.items():
                        if self.core.read_register(name) != value:
                            self.core.write_register(name, value)
                except OcdError as e:
                    log.warning(f"[{self.name}] could not restore the core registers after a routine: "
                                f"{e.message}")

    # -- breakpoints and watchpoints ---------------------------------------------------------

    def add_breakpoint(self, address: int, length: int, hard: bool) -> None:
        self.core.add_breakpoint(address, length, hw=hard)

    def remove_breakpoint(self, address: int) -> None:
        self.core.remove_breakpoint(address)

    def add_watchpoint(self, address: int, length: int, rw: str) -> None:
        try:
            self.core.add_watchpoint(address, length, rw)
        except TargetError as e:
            if "power of two" in e.message or "aligned" in e.message:
                raise NotSupportedError(e.message) from None
            raise

    def remove_watchpoint(self, address: int) -> None:
        self.core.remove_watchpoint(address)

    def hit_watchpoint(self) -> tuple[str, int] | None:
        hit = getattr(self.core, "hit_watchpoint", None)
        if callable(hit):
            return hit()
        # Without the DWT's MATCHED flag, only a single watchpoint is unambiguous.
        wps = list(self.core.watchpoints)
        if len(wps) == 1:
            return wps[0].rw, wps[0].address
        return None

    def clear_breakpoints_and_watchpoints(self) -> None:
        if not self.core.examined:
            return
        self.core.remove_all_breakpoints()
        self.core.remove_all_watchpoints()
        for ids in ("bp_ids", "wp_ids"):  # the live target's `bp`/`wp` listing
            table = getattr(self.live, ids, None)
            if isinstance(table, dict):
                table.clear()

    # -- events --------------------------------------------------------------------------------

    def fire_event(self, event: str) -> None:
        if self.live is not None:
            self.live.fire(event)  # the handler, then the session's listeners
        elif self.config is not None:
            from ocdpy.commands.target import fire_event

            fire_event(self.session, self.config, event)
        if not self.session_announces or self.config is None:
            self._notify(event)

    def notify(self, event: str) -> None:
        """An event the session announced for this target."""
        self._notify(event)

    def _notify(self, event: str) -> None:
        for fn in list(self._listeners):
            fn(self, event)

    def add_event_listener(self, fn: EventListener) -> None:
        self._listeners.append(fn)
        if not self._hooked and not self.session_announces:
            # The core reports halted/resumed through on_event; chain onto it.
            previous = self.core.on_event

            def on_event(name: str, _previous=previous) -> None:
                if _previous is not None:
                    _previous(name)
                self._notify(name)

            self.core.on_event = on_event
            self._hooked = True

    def remove_event_listener(self, fn: EventListener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    # -- flash -----------------------------------------------------------------------------------

    def _banks(self) -> list:
        manager = getattr(self.session, "flash", None)
        if manager is None:
            return []
        return manager.banks_of(self.name)

    def flash_regions(self) -> list[FlashRegion]:
        regions = []
        for bank in self._banks():
            bank.auto_probe()
            regions.append(FlashRegion(bank.name, bank.base, bank.size,
                                       [(s.offset, s.size) for s in bank.sectors]))
        return regions

    def flash_erase(self, address: int, length: int) -> None:
        from ocdpy.flash.program import erase_address

        banks = self._banks()
        if not banks:
            raise FlashError(f"no flash bank is declared for {self.name}")
        with self._context_kept():
            erase_address(banks, address, length)

    def flash_write(self, segments: list[tuple[int, bytes]]) -> None:
        from ocdpy.flash.image import Image
        from ocdpy.flash.program import write_image

        banks = self._banks()
        if not banks:
            raise FlashError(f"no flash bank is declared for {self.name}")
        # GDB erased first (vFlashErase); no second erase, as OpenOCD's flash_write.
        with self._context_kept():
            write_image(banks, Image(segments, type="gdb"), erase=False)

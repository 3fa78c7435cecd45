"""What the servers need of a target, and where they find the session's targets.

`ServerTarget` is the small interface the GDB server and the poller use: state, run
control, registers in GDB's numbering, memory, breakpoints and watchpoints, target
events and the target's flash. `tests/server/fake_target.py` implements it directly;
`ocdpy.server.target_adapter` implements it over the debug layer's targets and flash
banks. A session's targets are found by `server_targets`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ocdpy.server.host import ServerHost

EventListener = Callable[[Any, str], None]


@dataclass(frozen=True)
class GdbRegister:
    """One register as GDB numbers it (OpenOCD's armv7m numbering for Cortex-M)."""

    name: str
    number: int
    bitsize: int
    type: str = "int"  # int, data_ptr, code_ptr, int8, ieee_double, ...
    group: str = "general"
    feature: str = "org.gnu.gdb.arm.m-profile"
    general: bool = False  # part of the `g` packet
    hidden: bool = False  # exists but GDB must not see it

    @property
    def nbytes(self) -> int:
        return (self.bitsize + 7) // 8


@dataclass
class FlashRegion:
    """A flash bank as the memory map shows it: sectors as (offset, size)."""

    name: str
    base: int
    size: int
    sectors: list[tuple[int, int]] = field(default_factory=list)


class NotSupportedError(Exception):
    """The target cannot do this (GDB gets an empty reply, as from OpenOCD)."""


@runtime_checkable
class ServerTarget(Protocol):
    name: str
    architecture: str

    def state(self) -> str: ...  # "halted" "running" "reset" "debug-running" "unknown"
    def debug_reason(self) -> str: ...  # "debug-request" "breakpoint" "watchpoint" "single-step" ...
    def examined(self) -> bool: ...
    def poll_quietly(self) -> None: ...
    def halt(self) -> None: ...
    def resume(self, address: int | None = None) -> None: ...
    def step(self, address: int | None = None) -> None: ...

    def gdb_registers(self) -> list[GdbRegister]: ...
    def read_register(self, reg: GdbRegister) -> int: ...
    def write_register(self, reg: GdbRegister, value: int) -> None: ...

    def read_memory(self, address: int, size: int) -> bytes: ...
    def write_memory(self, address: int, data: bytes) -> None: ...
    def checksum_memory(self, address: int, size: int) -> int | None: ...

    def add_breakpoint(self, address: int, length: int, hard: bool) -> None: ...
    def remove_breakpoint(self, address: int) -> None: ...
    def add_watchpoint(self, address: int, length: int, rw: str) -> None: ...
    def remove_watchpoint(self, address: int) -> None: ...
    def hit_watchpoint(self) -> tuple[str, int] | None: ...
    def clear_breakpoints_and_watchpoints(self) -> None: ...

    def fire_event(self, event: str) -> None: ...
    def add_event_listener(self, fn: EventListener) -> None: ...
    def remove_event_listener(self, fn: EventListener) -> None: ...

    def flash_regions(self) -> list[FlashRegion]: ...
    def flash_erase(self, address: int, length: int) -> None: ...
    def flash_write(self, segments: list[tuple[int, bytes]]) -> None: ...


def server_targets(host: ServerHost) -> list[ServerTarget]:
    """The session's targets, each adapted once and subscribed to for events."""
    cached = getattr(host, "_server_targets", None)
    source = getattr(host, "target_source", None)
    found = list(source()) if source is not None else _session_targets(host.session)
    if cached is not None and [t for t, _ in cached] == found:
        return [a for _, a in cached]
    pairs = []
    old = {id(t): a for t, a in (cached or [])}
    for t in found:
        adapted = old.get(id(t))
        if adapted is None:
            adapted = t if isinstance(t, ServerTarget) else _adapt(t, host.session)
            if adapted is None:
                continue
            adapted.add_event_listener(host.target_event)
        pairs.append((t, adapted))
    host._server_targets = pairs  # type: ignore[attr-defined]
    return [a for _, a in pairs]


def _session_targets(session: object) -> list[Any]:
    """The debug layer's live target objects, in the order the targets were created."""
    config = getattr(session, "config", None)
    declared = getattr(config, "targets", None)
    if declared is not None:
        from ocdpy.server.target_adapter import runtime_target

        found = [runtime_target(session, cfg.name) for cfg in declared]
        return [t for t in found if t is not None]
    targets = getattr(session, "targets", None)
    if targets is None:
        return []
    if isinstance(targets, dict):
        return list(targets.values())
    try:
        return list(targets)
    except TypeError:
        return []


def _adapt(target: Any, session: object) -> ServerTarget | None:
    try:
        from ocdpy.server.target_adapter import adapt_target
    except ImportError:
        return None
    return adapt_target(target, session)


def current_server_target(session: object) -> ServerTarget | None:
    """The session's current target (or its first), as the servers see it."""
    current = getattr(session, "current_target", None)
    if callable(current):
        current = current()
    found = _session_targets(session)
    if current is None and found:
        current = found[0]
    if current is None:
        return None
    if isinstance(current, ServerTarget):
        return current
    host = getattr(session, "server_host", None)
    if host is not None:
        for t, adapted in getattr(host, "_server_targets", []):
            if t is current:
                return adapted
    return _adapt(current, session)

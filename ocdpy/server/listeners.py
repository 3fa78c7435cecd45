"""Listening ports bound before the servers run, when and as OpenOCD binds them.

OpenOCD 0.12 binds the Tcl RPC and telnet ports once the command line has run
(`server_init`, before the `init` it runs itself), and each target's GDB port inside
`init`, after the flash banks are set up (`gdb_target_add_all`). So `-c init -c
shutdown` prints the GDB lines, a port 0 is logged with the port it got, and a GDB
that connects while later `-c` commands still run waits in the listen queue until the
servers serve it. A GDB port that cannot be bound is an `Error:` line and `init` goes
on, as there; a Tcl or telnet port that cannot be bound ends the program.

The sockets wait here (`session.server_listeners`) until `ocdpy.server.host` serves
them, and are closed at shutdown if it never does. A session used as a library binds
nothing at `init` unless `enable(session)` was called (the command line calls it).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ocdpy import log

# Connections a port queues before the servers accept them (50 consoles at once).
BACKLOG = 64


class ServiceError(Exception):
    """A service could not start (port in use, bad bindto name)."""


@dataclass
class Listener:
    """One bound port (or the stdin/stdout pipe) waiting to be served."""

    name: str  # "tcl", "telnet", "gdb"
    port: str  # as configured: a number, "0" or "pipe"
    sock: socket.socket | None  # None for the pipe
    target_name: str | None = None  # gdb: the target it serves
    max_connections: int | None = None
    served: bool = False

    @property
    def is_pipe(self) -> bool:
        return self.port == "pipe"

    @property
    def bound_port(self) -> int | None:
        if self.sock is None:
            return None
        try:
            return self.sock.getsockname()[1]
        except OSError:
            return None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()


@dataclass
class GdbTargetSpec:
    """What binding a target's GDB port needs to know of the target."""

    name: str
    port_override: str | None = None  # the target's -gdb-port
    max_connections: int | None = 1  # -gdb-max-connections; None: unlimited


@dataclass
class ServerListeners:
    """The ports of one session, in the order they were bound."""

    enabled: bool = False  # bind GDB ports at `init` (the command line's sessions)
    server_init_done: bool = False
    gdb_added: bool = False
    items: list[Listener] = field(default_factory=list)
    # Set by a running ServerHost: called (from any thread) with each new listener.
    on_added: Callable[[Listener], None] | None = None

    def add(self, listener: Listener) -> None:
        self.items.append(listener)
        if self.on_added is not None:
            self.on_added(listener)

    def of(self, name: str) -> list[Listener]:
        return [item for item in self.items if item.name == name]

    def close(self) -> None:
        for item in self.items:
            item.close()


def listeners_of(session: Any) -> ServerListeners:
    state = getattr(session, "server_listeners", None)
    if state is None:
        state = ServerListeners()
        session.server_listeners = state
    return state


def enable(session: Any) -> None:
    """Bind GDB ports at `init` from now on (what `ocdpy` does for its session); the
    sockets are closed at the session's shutdown."""
    state = listeners_of(session)
    if not state.enabled:
        state.enabled = True
        hooks = getattr(session, "shutdown_hooks", None)
        if isinstance(hooks, list):
            hooks.append(state.close)


def bind(name: str, port: str, bindto: str | None) -> Listener:
    """OpenOCD's add_service: bind and listen now, log the port; raises ServiceError."""
    if port == "pipe":
        return Listener(name, port, None)
    try:
        number = int(port, 0)
    except ValueError:
        raise ServiceError(f"{name} port '{port}' is not a number, 'disabled' or 'pipe'") from None
    if not 0 <= number <= 65535:
        raise ServiceError(f"{name} port {number} is out of range (0-65535)")
    address = _bind_address(bindto)
    # IPPROTO_TCP named, not 0: asyncio turns Nagle off only on sockets that say TCP,
    # and with it on each console reply waits out the client's delayed ACK (40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, number))
        sock.listen(BACKLOG)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        reason = os.strerror(e.errno) if e.errno else str(e)
        advice = ""
        if e.errno == 98:
            advice = (f"; another program (an OpenOCD?) is using it: choose another port with "
                      f"{name}_port, or 0 for any free port")
        raise ServiceError(f"couldn't bind {name} to socket on port {number}: {reason}{advice}") from None
    listener = Listener(name, port, sock)
    log.info(f"Listening on port {listener.bound_port} for {name} connections")
    return listener


def _bind_address(bindto: str | None) -> str:
    if not bindto:
        return "127.0.0.1"
    try:
        return socket.gethostbyname(bindto)
    except OSError:
        raise ServiceError(f"couldn't resolve bindto address: {bindto}") from None


def server_init(session: Any, settings: Any) -> None:
    """OpenOCD's server_init: the Tcl RPC port, then telnet's; raises ServiceError (the
    ports bound so far are closed again)."""
    state = listeners_of(session)
    if state.server_init_done:
        return
    state.server_init_done = True
    bound: list[Listener] = []
    try:
        for name, port in (("tcl", settings.tcl_port), ("telnet", settings.telnet_port)):
            if port == "disabled":
                log.info(f"{name} server disabled")
                continue
            listener = bind(name, port, settings.bindto)
            bound.append(listener)
    except ServiceError:
        for listener in bound:
            listener.close()
        raise
    for listener in bound:
        state.add(listener)


def gdb_target_add_all(session: Any, settings: Any, targets: list[GdbTargetSpec]) -> None:
    """OpenOCD's gdb_target_add_all: a GDB port per target, consecutive numbers from
    `gdb_port`; a port that cannot be bound is an error line, not a failure."""
    state = listeners_of(session)
    if state.gdb_added:
        return
    state.gdb_added = True
    if not targets:
        log.warning("gdb services need one or more targets defined")
        return
    next_port = settings.gdb_port
    for target in targets:
        if target.port_override:
            if target.port_override == "disabled":
                log.info("gdb port disabled")
                continue
            port = target.port_override
        elif next_port == "disabled":
            log.info("gdb port disabled")
            continue
        else:
            port = next_port
        log.info(f"starting gdb server for {target.name} on {port}")
        try:
            listener = bind("gdb", port, settings.bindto)
        except ServiceError as e:
            log.error(str(e))
            return  # as OpenOCD, the targets after it get no GDB port either
        listener.target_name = target.name
        listener.max_connections = target.max_connections
        if not target.port_override:
            next_port = _following(next_port)
        state.add(listener)
        _remember_port(session, target.name, port)


def _following(port: str) -> str:
    """The port the next target gets: +1 for a number, 0 stays 0, a pipe is used up."""
    if port == "pipe":
        return "disabled"
    try:
        number = int(port, 0)
    except ValueError:
        return port
    return str(number + 1) if number else "0"


def _remember_port(session: Any, target_name: str, port: str) -> None:
    # OpenOCD keeps the port a target got as its -gdb-port (`$t cget -gdb-port`).
    config = getattr(session, "config", None)
    for cfg in getattr(config, "targets", None) or []:
        if getattr(cfg, "name", None) == target_name and getattr(cfg, "gdb_port", "") is None:
            cfg.gdb_port = port


def session_gdb_targets(session: Any) -> list[GdbTargetSpec]:
    """The targets `init` made live, in creation order, as GDB ports need them."""
    config = getattr(session, "config", None)
    specs = []
    for cfg in getattr(config, "targets", None) or []:
        if session.runtime_target(cfg.name) is None:
            continue  # a target ocdpy cannot debug gets no GDB port (OpenOCD skips mem_ap too)
        specs.append(GdbTargetSpec(cfg.name, cfg.gdb_port, _max_connections(cfg.gdb_max_connections)))
    return specs


def _max_connections(value: int | None) -> int | None:
    if value is not None and value < 0:
        return None  # OpenOCD's -1: unlimited
    return value


def add_gdb_at_init(session: Any) -> None:
    """`init`'s step: bind the GDB ports, when this session serves (see `enable`)."""
    state = getattr(session, "server_listeners", None)
    if state is None or not state.enabled:
        return
    from ocdpy.server.settings import settings_for

    gdb_target_add_all(session, settings_for(session), session_gdb_targets(session))

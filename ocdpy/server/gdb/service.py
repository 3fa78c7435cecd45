"""One GDB service per target, on the ports `init` bound for them.

`gdb_port 3333` gives the first target 3333, the next 3334, ...; `0` gives each a free
port; `pipe` serves the first target over stdin/stdout. A target's own `-gdb-port`
overrides the sequence. Each target accepts one GDB at a time unless its
`-gdb-max-connections` says otherwise. The ports are bound by
`ocdpy.server.listeners.gdb_target_add_all` (inside `init`, as OpenOCD does); this
module puts a GDB server behind each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy import log
from ocdpy.server.gdb.connection import GdbConnection
from ocdpy.server.listeners import GdbTargetSpec, Listener
from ocdpy.server.service import Service

if TYPE_CHECKING:
    from ocdpy.server.host import ServerHost


def gdb_service(host: ServerHost, listener: Listener) -> Service | None:
    """The GDB service for a bound port (None when its target is gone)."""
    for target in host.targets():
        if target.name == listener.target_name:
            return Service(host, "gdb", listener.port, GdbConnection, listener.max_connections,
                           listener=listener, target=target)
    log.debug(f"no target {listener.target_name} for the gdb port {listener.port}")
    listener.close()
    return None


def gdb_target_specs(host: ServerHost) -> list[GdbTargetSpec]:
    """The servers' targets as GDB ports need them (sessions whose `init` bound none)."""
    specs = []
    for target in host.targets():
        limit = getattr(target, "gdb_max_connections", 1)
        if limit is not None and limit < 0:
            limit = None  # OpenOCD's -1: unlimited
        specs.append(GdbTargetSpec(target.name, getattr(target, "gdb_port_override", None), limit))
    return specs

"""One GDB service per target, on consecutive ports as OpenOCD allocates them.

`gdb_port 3333` gives the first target 3333, the next 3334, ...; `0` gives each a free
port; `pipe` serves the first target over stdin/stdout. A target's own `-gdb-port`
overrides the sequence. Each target accepts one GDB at a time unless its
`-gdb-max-connections` says otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy import log
from ocdpy.server.gdb.connection import GdbConnection
from ocdpy.server.service import Service

if TYPE_CHECKING:
    from ocdpy.server.host import ServerHost


def gdb_services(host: ServerHost) -> list[Service]:
    targets = host.targets()
    if not targets:
        log.warning("gdb services need one or more targets defined")
        return []
    services = []
    next_port = host.settings.gdb_port
    for target in targets:
        override = getattr(target, "gdb_port_override", None)
        if override:
            if override == "disabled":
                log.info("gdb port disabled")
                continue
            port = override
        else:
            port = next_port
            next_port = _following(next_port)
            if port == "disabled":
                continue
        log.info(f"starting gdb server for {target.name} on {port}")
        max_connections = getattr(target, "gdb_max_connections", 1)
        if max_connections is not None and max_connections < 0:
            max_connections = None  # OpenOCD's -1: unlimited
        services.append(Service(host, "gdb", port, GdbConnection, max_connections, target=target))
    return services


def _following(port: str) -> str:
    """The port the next target gets: +1 for a number, 0 stays 0, a pipe is used up."""
    if port == "pipe":
        return "disabled"
    try:
        number = int(port, 0)
    except ValueError:
        return port
    return str(number + 1) if number else "0"

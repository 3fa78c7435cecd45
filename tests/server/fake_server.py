"""Serve the fake target from a process of its own, for clients that start a server:
GDB's `target remote | python3 -m tests.server.fake_server pipe` and the benchmarks.

    python3 -m tests.server.fake_server pipe          # GDB over stdin/stdout
    python3 -m tests.server.fake_server tcp           # ports 0; prints them as JSON
"""

from __future__ import annotations

import json
import sys

from ocdpy.server.host import ServerHost

from .fakes import FakeSession, FakeTarget


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "tcp"
    session = FakeSession(FakeTarget())
    settings = session.server_settings
    if mode == "pipe":
        settings.gdb_port, settings.telnet_port, settings.tcl_port = "pipe", "disabled", "disabled"
        ServerHost(session).run()
        return 0
    settings.gdb_port = settings.telnet_port = settings.tcl_port = "0"

    def ready(host: ServerHost) -> None:
        ports = {name: host.port_of(name) for name in ("gdb", "telnet", "tcl")}
        sys.stdout.write(json.dumps(ports) + "\n")
        sys.stdout.flush()

    host = ServerHost(session)
    host.run(ready)
    return 1 if host.start_error else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

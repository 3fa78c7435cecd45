"""Server settings of a session: ports, bind address and the gdb_* switches.

The configuration commands (`gdb_port`, `telnet_port`, `tcl_port`, `bindto`,
`gdb_memory_map`, ...) store into the session's configuration
(`ocdpy.target.server_config.ServerConfig`); the servers read it when they start.
`ServerSettings` has the same fields for sessions built without one (tests).
A port is a string as in OpenOCD: a number (0 picks a free port), "disabled", or
"pipe" (GDB over stdin/stdout).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ServerSettings:
    gdb_port: str = "3333"
    telnet_port: str = "4444"
    tcl_port: str = "6666"
    bindto: str | None = None
    gdb_memory_map: bool = True
    gdb_flash_program: bool = True
    gdb_report_data_abort: bool = False
    gdb_report_register_access_error: bool = False
    gdb_target_description: bool = True
    # None: GDB's Z0/Z1 choose; "hard" / "soft": forced (gdb_breakpoint_override)
    gdb_breakpoint_override: str | None = None
    poll_period_ms: int = 100


def settings_for(session: object):
    """The session's server settings: the configuration's (`session.config.servers`,
    filled by the config commands) or, for a session without one, our own defaults."""
    config = getattr(session, "config", None)
    servers = getattr(config, "servers", None)
    if servers is not None:
        return servers
    settings = getattr(session, "server_settings", None)
    if settings is None:
        settings = ServerSettings()
        session.server_settings = settings  # type: ignore[attr-defined]
    return settings

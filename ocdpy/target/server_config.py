"""Server settings made in the config phase: ports (`gdb_port`, `telnet_port`,
`tcl_port`), the listen address (`bindto`) and GDB behaviour switches. The servers of a
later issue read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ServerConfig:
    gdb_port: str = "3333"
    telnet_port: str = "4444"
    tcl_port: str = "6666"
    bindto: str | None = None  # None: the loopback interface only
    gdb_memory_map: bool = True
    gdb_flash_program: bool = True
    gdb_report_data_abort: bool = False
    gdb_report_register_access_error: bool = False
    gdb_target_description: bool = True
    gdb_breakpoint_override: str | None = None  # "hard", "soft" or None
    jsp_port: str = "7777"
    poll_period_ms: int = 100
    init_at_startup: bool = True  # `noinit` clears it

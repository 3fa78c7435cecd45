"""Server settings: `gdb_port`, `telnet_port`, `tcl_port`, `bindto`, and the GDB
switches (`gdb_memory_map`, `gdb_flash_program`, `gdb_breakpoint_override`, ...). The
servers themselves come with a later layer and read `session.config.servers`."""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.registry import (
    CommandContext,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_bool,
    parse_int,
)


def _port(ctx: CommandContext, args: list[str], attr: str) -> None:
    servers = ctx.session.config.servers
    if not args:
        ctx.print(getattr(servers, attr))
        return
    if len(args) > 1:
        raise CommandSyntaxError()
    setattr(servers, attr, args[0])


@command("gdb_port", mode=CommandMode.CONFIG, usage="[port_num]",
         help="Port (or pipe, or 'disabled') the GDB server listens on; each further "
         "target uses the next port number.")
def gdb_port(ctx: CommandContext, args: list[str]) -> None:
    _port(ctx, args, "gdb_port")


@command("telnet_port", mode=CommandMode.CONFIG, usage="[port_num]",
         help="Port the telnet server listens on ('disabled' for none).")
def telnet_port(ctx: CommandContext, args: list[str]) -> None:
    _port(ctx, args, "telnet_port")


@command("tcl_port", mode=CommandMode.CONFIG, usage="[port_num]",
         help="Port the Tcl RPC server listens on ('disabled' for none).")
def tcl_port(ctx: CommandContext, args: list[str]) -> None:
    _port(ctx, args, "tcl_port")


@command("jsp_port", usage="[port_num]", help="Port of the OpenRISC JTAG serial port server.")
def jsp_port(ctx: CommandContext, args: list[str]) -> None:
    servers = ctx.session.config.servers
    if not args:
        ctx.print(servers.jsp_port)
        return
    if len(args) > 1:
        raise CommandSyntaxError()
    from ocdpy.commands.registry import parse_uint

    servers.jsp_port = str(parse_uint(args[0], "port", 16))


@command("bindto", mode=CommandMode.CONFIG, usage="[name]",
         help="Address the servers listen on (default localhost).")
def bindto(ctx: CommandContext, args: list[str]) -> None:
    servers = ctx.session.config.servers
    if not args:
        ctx.print(f"bindto name: {servers.bindto if servers.bindto is not None else '(null)'}")
        return
    if len(args) > 1:
        raise CommandSyntaxError()
    servers.bindto = args[0]


def _gdb_switch(ctx: CommandContext, args: list[str], attr: str) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    try:
        value = parse_bool(args[0])
    except CommandSyntaxError:
        ctx.print(f"{attr} option value ('{args[0]}') is not valid")
        ctx.print("  choices are 'enable' or 'disable'")
        raise
    setattr(ctx.session.config.servers, attr, value)


@command("gdb_memory_map", mode=CommandMode.CONFIG, usage="('enable'|'disable')",
         help="Send GDB a memory map with the flash regions (enable/disable)")
def gdb_memory_map(ctx: CommandContext, args: list[str]) -> None:
    _gdb_switch(ctx, args, "gdb_memory_map")


@command("gdb_flash_program", mode=CommandMode.CONFIG, usage="('enable'|'disable')",
         help="Let GDB's load program flash (enable/disable)")
def gdb_flash_program(ctx: CommandContext, args: list[str]) -> None:
    _gdb_switch(ctx, args, "gdb_flash_program")


@command("gdb_report_data_abort", mode=CommandMode.CONFIG, usage="('enable'|'disable')",
         help="Report data aborts to GDB as errors (enable/disable)")
def gdb_report_data_abort(ctx: CommandContext, args: list[str]) -> None:
    _gdb_switch(ctx, args, "gdb_report_data_abort")


@command("gdb_report_register_access_error", mode=CommandMode.CONFIG,
         usage="('enable'|'disable')", help="Report register read errors to GDB (enable/disable)")
def gdb_report_register_access_error(ctx: CommandContext, args: list[str]) -> None:
    _gdb_switch(ctx, args, "gdb_report_register_access_error")


@command("gdb_target_description", mode=CommandMode.CONFIG, usage="('enable'|'disable')",
         help="Send GDB a target description (enable/disable)")
def gdb_target_description(ctx: CommandContext, args: list[str]) -> None:
    _gdb_switch(ctx, args, "gdb_target_description")


@command("gdb_breakpoint_override", usage="('hard'|'soft'|'disable')",
         help="Force GDB's breakpoints to hardware or software ones, or leave GDB's choice (disable)")
def gdb_breakpoint_override(ctx: CommandContext, args: list[str]) -> None:
    servers = ctx.session.config.servers
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        if args[0] in ("hard", "soft"):
            servers.gdb_breakpoint_override = args[0]
        elif args[0] == "disable":
            servers.gdb_breakpoint_override = None
        elif servers.gdb_breakpoint_override is None:
            # OpenOCD turns the override on with its previous type for other words.
            servers.gdb_breakpoint_override = "hard"
    if servers.gdb_breakpoint_override:
        log.user(f"force {servers.gdb_breakpoint_override} breakpoints")
    else:
        log.user("breakpoint type is not overridden")


@command("poll_period", usage="", help="How often the servers poll the targets, in milliseconds")
def poll_period(ctx: CommandContext, args: list[str]) -> None:
    servers = ctx.session.config.servers
    if not args:
        log.warning("You need to set a period value")
    else:
        servers.poll_period_ms = parse_int(args[0], "polling_period")
    log.info(f"set servers polling period to {servers.poll_period_ms}ms")

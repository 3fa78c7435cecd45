"""Commands that act on the client connection they come from: `exit` (telnet, Tcl RPC),
`tcl_notifications` and `tcl_trace` (Tcl RPC), `gdb_sync` (GDB's `monitor`), and
`gdb_save_tdesc`. The server settings commands are in ocdpy/commands/server.py.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.registry import CommandContext, CommandMode, CommandSyntaxError, command
from ocdpy.errors import CommandError

_TRUE = ("on", "enable", "true", "yes", "1")
_FALSE = ("off", "disable", "false", "no", "0")


def _connection(ctx: CommandContext):
    host = getattr(ctx.session, "server_host", None)
    return host.current if host is not None else None


@command("exit", mode=CommandMode.EXEC, help="exit telnet session")
def exit_command(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.server.host import CloseConnection

    if args:
        raise CommandSyntaxError()
    if _connection(ctx) is not None:
        raise CloseConnection()


def _parse_bool_setting(ctx: CommandContext, args: list[str], current: bool, label: str) -> bool:
    """OpenOCD's handle_command_parse_bool: set from on/off words, then say the value."""
    if len(args) > 1:
        raise CommandSyntaxError()
    value = current
    if args:
        word = args[0].lower()
        if word in _TRUE:
            value = True
        elif word in _FALSE:
            value = False
        else:
            log.error(f"{ctx.name}: argument '{args[0]}' is not valid")
            raise CommandSyntaxError()
    log.info(f"{label} is {'enabled' if value else 'disabled'}")
    return value


def _tcl_connection(ctx: CommandContext):
    conn = _connection(ctx)
    if conn is None or getattr(conn, "kind", None) != "tcl":
        log.error(f"{ctx.name}: can only be called from the tcl server")
        raise CommandSyntaxError()
    return conn


@command("tcl_notifications", mode=CommandMode.EXEC, usage="[on|off]", help="Target Notification output")
def tcl_notifications(ctx: CommandContext, args: list[str]) -> None:
    conn = _tcl_connection(ctx)
    conn.notify = _parse_bool_setting(ctx, args, conn.notify, "Target Notification output ")


@command("tcl_trace", mode=CommandMode.EXEC, usage="[on|off]", help="Target trace output")
def tcl_trace(ctx: CommandContext, args: list[str]) -> None:
    conn = _tcl_connection(ctx)
    conn.trace = _parse_bool_setting(ctx, args, conn.trace, "Target trace output ")


@command(
    "gdb_sync",
    help="next stepi will return immediately allowing GDB to fetch register state "
    "without affecting target state",
)
def gdb_sync(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    conn = _connection(ctx)
    if conn is None or getattr(conn, "kind", None) != "gdb":
        raise CommandError('gdb_sync command can only be run from within gdb using "monitor gdb_sync"')
    conn.gdb.sync = True


@command("gdb_save_tdesc", mode=CommandMode.EXEC, help="Save the target description file")
def gdb_save_tdesc(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.server.gdb.xml import target_description
    from ocdpy.server.targets import current_server_target

    if args:
        raise CommandSyntaxError()
    target = current_server_target(ctx.session)
    if target is None:
        raise CommandError("Unable to Generate Target Description: no target is defined")
    regs = sorted(target.gdb_registers(), key=lambda r: r.number)
    name = f"{getattr(target, 'type_name', 'cortex_m')}.xml"
    try:
        with open(name, "w", encoding="utf-8") as f:
            f.write(target_description(regs, target.architecture))
    except OSError as e:
        raise CommandError(f"Can't open {name} for writing: {e.strerror}") from None

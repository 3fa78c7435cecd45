"""Commands every session has: script search, help, logging, init and shutdown.

`find` and `script` are Tcl procs in cfg/startup/helper.tcl (as in OpenOCD); they use
`ocd_find` from here.
"""

from __future__ import annotations

import os
import time

from ocdpy import __version__, log
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_int,
    parse_uint,
)
from ocdpy.tcl import TclError


@command("ocd_find", usage="file", help="Print the full path of a file found by the script search rules.")
def ocd_find(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1:
        raise TclError("")
    path = ctx.session.find_script(args[0])
    if path is None:
        raise TclError("")
    return path


@command(
    "add_script_search_dir",
    usage="<directory>",
    help="Add a directory to the script search path (searched before the defaults).",
)
def add_script_search_dir(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    ctx.session.user_search_dirs.append(args[0])
    log.debug(f"adding {args[0]}")


@command("echo", usage="[-n] string", help="Log a message at user level; -n leaves out the newline.")
def echo(ctx: CommandContext, args: list[str]) -> None:
    if len(args) == 2 and args[0] == "-n":
        log.user_partial(args[1])
        return
    if len(args) != 1:
        # OpenOCD fails here without a usage line.
        raise CommandFailed("")
    log.user(args[0])


@command("capture", usage="command", help="Run a command and return the log output it produced "
         "(its result when it logged nothing).")
def capture(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1:
        raise TclError("")
    captured: list[str] = []

    def listen(level: int, line: str) -> None:
        captured.append(line + "\n")

    log.add_listener(listen)
    try:
        result = ctx.interp.eval(args[0])
    finally:
        log.remove_listener(listen)
    text = "".join(captured)
    return text if text else result


@command("sleep", usage="milliseconds ['busy']", help="Wait the given number of milliseconds.")
def sleep(ctx: CommandContext, args: list[str]) -> None:
    if len(args) not in (1, 2) or (len(args) == 2 and args[1] != "busy"):
        raise CommandSyntaxError()
    ms = parse_uint(args[0], "duration")
    time.sleep(ms / 1000.0)


@command("debug_level", usage="number", help="Set the log level: 0 errors, 1 warnings, 2 info "
         "(default), 3 debug, 4 debug with I/O; without a number, show it.")
def debug_level(ctx: CommandContext, args: list[str]) -> str:
    if len(args) > 1:
        raise CommandSyntaxError()
    session = ctx.session
    if args:
        level = parse_int(args[0], "new_level")
        if not -3 <= level <= log.DEBUG_IO:
            raise CommandSyntaxError("level must be between -3 and 4")
        # -3..-1 (silent, output, user) keep errors only here; the level is shown as set.
        session.debug_level = level
        log.set_level(max(level, log.ERROR))
    ctx.print(f"debug_level: {session.debug_level if session.debug_level is not None else log.get_level()}")
    return None


@command("log_output", usage='[file_name | "default"]', help="Send log output to a file (or back to stderr).")
def log_output(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1:
        raise CommandSyntaxError()
    if not args or args[0] == "default":
        log.set_output(ctx.session.console_stream)
        log.debug("set log_output to default")
        return
    try:
        stream = open(args[0], "w", encoding="latin-1", errors="replace")  # noqa: SIM115
    except OSError as e:
        raise CommandFailed(f"failed to open output log '{args[0]}'") from e
    log.set_output(stream)
    log.debug(f"set log_output to \"{args[0]}\"")


@command("version", help="Show the program version.")
def version(ctx: CommandContext, args: list[str]) -> str:
    if len(args) > 1:
        raise TclError('wrong # args: should be "version ?git?"')
    return f"ocdpy {__version__} (Open On-Chip Debugger 0.12.0 compatible)"


@command("help", usage="[command_name]", help="List commands with their usage and a description; a pattern limits the list to matching names, usages or descriptions.")
def help_command(ctx: CommandContext, args: list[str]) -> None:
    for line in ctx.session.registry.help_lines(" ".join(args), show_help=True):
        log.user(line)


@command("usage", usage="[command_name]", help="List commands with their usage; a pattern limits the list as for help.")
def usage_command(ctx: CommandContext, args: list[str]) -> None:
    for line in ctx.session.registry.help_lines(" ".join(args), show_help=False):
        log.user(line)


@command("add_help_text", usage="command_name helptext_string",
         help="Set the description `help` shows for a command (for procs defined in Tcl).")
def add_help_text(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandFailed("")
    name = " ".join(args[:-1])
    _help, usage = ctx.session.help_texts.get(name, ("", ""))
    ctx.session.help_texts[name] = (args[-1], usage)


@command("add_usage_text", usage="command_name usage_string",
         help="Set the usage line `help` and `usage` show for a command (for procs defined in Tcl).")
def add_usage_text(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandFailed("")
    name = " ".join(args[:-1])
    help_text, _usage = ctx.session.help_texts.get(name, ("", ""))
    ctx.session.help_texts[name] = (help_text, args[-1])


@command("command mode", usage="[command_name ...]",
         help="The phase a command may run in (any, config or exec), 'unknown' for no such command; without a name, the current phase.")
def command_mode(ctx: CommandContext, args: list[str]) -> str:
    if not args:
        return ctx.session.command_mode.value
    return ctx.session.registry.mode_of(" ".join(args))


@command("init", help="Open the adapter, bring up the transport, DAPs, targets and flash, and leave the configuration phase; runs by itself after the command line unless 'noinit' was given.")
def init(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    ctx.session.init()


@command("noinit", mode=CommandMode.CONFIG, help="Do not run init after the command line's files and commands.")
def noinit(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    ctx.session.config.servers.init_at_startup = False


@command("shutdown", usage="", help="shut the server down")
def shutdown(ctx: CommandContext, args: list[str]) -> None:
    ctx.session.request_shutdown(error=bool(args) and args[0] == "error")


@command("ms", help="A millisecond clock for measuring time spans.")
def ms(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    ctx.print(str(int(time.monotonic() * 1000)))


@command("pwd", mode=CommandMode.ANY, help="Show the current directory.")
def pwd(ctx: CommandContext, args: list[str]) -> str:
    return os.getcwd()

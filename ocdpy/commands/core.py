"""Commands every session has: script search, help, logging, init and shutdown."""

from __future__ import annotations

import os
import time

from ocdpy import __version__, log
from ocdpy.commands.registry import (
    CommandContext,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.errors import CommandError


@command("find", usage="<file>", help="Print the full path of a file found by the script search rules.")
@command("ocd_find", usage="<file>", help="Like find: the full path of a script file.")
def find(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1:
        raise CommandSyntaxError()
    path = ctx.session.find_script(args[0])
    if path is None:
        raise CommandError(f"Can't find {args[0]}")
    return path


@command("script", usage="<file>", help="Find a script file and run it.")
def script(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1:
        raise CommandSyntaxError()
    path = ctx.session.find_script(args[0])
    if path is None:
        raise CommandError(f"Can't find {args[0]}")
    return ctx.interp.source(path) or ""


@command(
    "add_script_search_dir",
    usage="[directory]",
    help="Add a directory to the script search path (searched before the defaults).",
)
def add_script_search_dir(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    ctx.session.user_search_dirs.append(args[0])


@command("echo", usage="[-n] string", help="Log a line of text (with -n, without a newline).")
def echo(ctx: CommandContext, args: list[str]) -> None:
    if args and args[0] == "-n":
        if len(args) != 2:
            raise CommandSyntaxError()
        log.user_partial(args[1])
        return
    if len(args) != 1:
        raise CommandSyntaxError()
    log.user(args[0])


@command("capture", usage="command", help="Run a command and return the log output it produced.")
def capture(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1:
        raise CommandSyntaxError()
    captured: list[str] = []

    def listen(level: int, line: str) -> None:
        captured.append(line)

    log.add_listener(listen)
    try:
        result = ctx.interp.eval(args[0])
    finally:
        log.remove_listener(listen)
    text = "".join(line if line.endswith("\n") else line + "\n" for line in captured)
    if result:
        text += result
    return text


@command("sleep", usage="milliseconds ['busy']", help="Wait the given number of milliseconds.")
def sleep(ctx: CommandContext, args: list[str]) -> None:
    if len(args) not in (1, 2) or (len(args) == 2 and args[1] != "busy"):
        raise CommandSyntaxError()
    ms = parse_uint(args[0], "milliseconds")
    time.sleep(ms / 1000.0)


@command("debug_level", usage="number", help="Set or show the log level (0 errors .. 4 debug I/O).")
def debug_level(ctx: CommandContext, args: list[str]) -> str:
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        level = parse_uint(args[0], "debug_level")
        if level > 4:
            raise CommandSyntaxError("debug_level must be 0 to 4")
        log.set_level(level)
    return f"debug_level: {log.get_level()}"


@command("log_output", usage="[file_name | 'default']", help="Send log output to a file (or back to stderr).")
def log_output(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1:
        raise CommandSyntaxError()
    if not args or args[0] == "default":
        log.set_output(None)
        return
    try:
        stream = open(args[0], "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the log
    except OSError as e:
        raise CommandError(f"cannot open log file {args[0]}: {e.strerror}") from None
    log.set_output(stream)


@command("version", help="Show the program version.")
def version(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise CommandSyntaxError()
    return f"ocdpy {__version__} (Open On-Chip Debugger 0.12.0 compatible)"


@command("help", usage="[command_name]", help="Show the usage and help of commands matching a pattern.")
def help_command(ctx: CommandContext, args: list[str]) -> str:
    match = " ".join(args)
    return "\n".join(ctx.session.registry.help_lines(match, show_help=True))


@command("usage", usage="[command_name]", help="Show the usage of commands matching a pattern.")
def usage_command(ctx: CommandContext, args: list[str]) -> str:
    match = " ".join(args)
    return "\n".join(ctx.session.registry.help_lines(match, show_help=False))


@command("add_help_text", usage="command_name helptext_string", help="Add help text to a command.")
def add_help_text(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandSyntaxError()
    name = " ".join(args[:-1])
    _help, usage = ctx.session.help_texts.get(name, ("", ""))
    ctx.session.help_texts[name] = (args[-1], usage)


@command("add_usage_text", usage="command_name usage_string", help="Add usage text to a command.")
def add_usage_text(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandSyntaxError()
    name = " ".join(args[:-1])
    help_text, _usage = ctx.session.help_texts.get(name, ("", ""))
    ctx.session.help_texts[name] = (help_text, args[-1])


@command("command mode", usage="[command_name ...]", help="Show the mode (config, exec, any) of a command, or the current one.")
def command_mode(ctx: CommandContext, args: list[str]) -> str:
    if not args:
        return "exec" if ctx.session.initialized else "config"
    spec = ctx.session.registry.get(" ".join(args))
    if spec is None:
        return "unknown"
    return spec.mode.value


@command("init", help="Initialize the debug adapter, transport, targets and flash; enter the exec phase.")
def init(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    ctx.session.init()


@command("shutdown", usage="['error']", help="Shut the program down (with 'error', exit non-zero).")
def shutdown(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1 or (args and args[0] != "error"):
        raise CommandSyntaxError()
    ctx.session.request_shutdown(error=bool(args))


@command("pwd", mode=CommandMode.ANY, help="Show the current directory.")
def pwd(ctx: CommandContext, args: list[str]) -> str:
    return os.getcwd()

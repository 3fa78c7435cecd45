"""The `ocdpy` command line: OpenOCD's options, files and commands run in order.

    ocdpy [-s dir]... [-f file]... [-c command]... [-d[N]] [-l logfile]

Each `-f FILE` runs as `script {FILE}` and each `-c` as a command line, in the order
given; with neither, `openocd.cfg` in the current directory is run (as OpenOCD does,
its absence is reported and startup goes on). `-d` and `-l` act when they are read.
Unless a command shut the session down, the Tcl RPC and telnet ports are bound, `init`
runs (binding the GDB ports, as it does from `-c init`) and the servers serve.
Exit codes follow OpenOCD: 0 after a clean shutdown or `--version`, 1 after an error,
255 after `--help`.

Strings are handled as OpenOCD's Tcl does, one character per byte: arguments are
taken as their bytes and log lines are written as bytes, so names in UTF-8 come out as
they went in.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field

BANNER = "ocdpy {version} (Open On-Chip Debugger 0.12.0 compatible)"

HELP = """\
usage: ocdpy [options]
--help       | -h\tdisplay this help
--version    | -v\tdisplay the version
--file       | -f\tuse configuration file <name>
--search     | -s\tdir to search for config files and scripts
--debug      | -d\tset debug level to 3
             | -d<n>\tset debug level to <level>
--log_output | -l\tredirect log output to file <name>
--command    | -c\trun <command>
"""

_LONG = {"--help": "h", "--version": "v", "--file": "f", "--search": "s", "--debug": "d",
         "--log_output": "l", "--command": "c"}
_TAKES_ARG = {"f", "s", "l", "c"}


class UsageError(Exception):
    pass


@dataclass
class Options:
    help: bool = False
    version: bool = False
    # In command-line order: ("f", path), ("c", command), ("s", dir), ("d", level or
    # None), ("l", file). -s/-d/-l act while the line is read, -f/-c after it.
    items: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def steps(self) -> list[tuple[str, str]]:
        return [(k, v or "") for k, v in self.items if k in ("f", "c")]

    @property
    def search_dirs(self) -> list[str]:
        return [v or "" for k, v in self.items if k == "s"]


def parse_args(argv: list[str]) -> Options:
    """getopt_long("hvd::l:f:s:c:") as OpenOCD parses it."""
    opts = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "--":
            if i < len(argv):
                raise UsageError(f"Unexpected command line argument: {argv[i]}")
            break
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            matches = [k for k in _LONG if k.startswith(name)]
            if name in _LONG:
                matches = [name]
            if len(matches) != 1:
                if matches:
                    raise UsageError(f"option '{name}' is ambiguous")
                raise UsageError(f"unrecognized option '{name}'")
            letter = _LONG[matches[0]]
            if letter in _TAKES_ARG and not eq:
                if i >= len(argv):
                    raise UsageError(f"option '{matches[0]}' requires an argument")
                value = argv[i]
                i += 1
            elif letter in ("h", "v") and eq:
                raise UsageError(f"option '{matches[0]}' doesn't allow an argument")
            _apply(opts, letter, value if (eq or letter in _TAKES_ARG) else None)
        elif arg.startswith("-") and len(arg) > 1:
            j = 1
            while j < len(arg):
                letter = arg[j]
                j += 1
                if letter in _TAKES_ARG:
                    if j < len(arg):
                        value = arg[j:]
                    elif i < len(argv):
                        value = argv[i]
                        i += 1
                    else:
                        raise UsageError(f"option requires an argument -- '{letter}'")
                    _apply(opts, letter, value)
                    break
                if letter == "d":
                    _apply(opts, "d", arg[j:] or None)
                    break
                if letter in ("h", "v"):
                    _apply(opts, letter, None)
                    continue
                raise UsageError(f"invalid option -- '{letter}'")
        else:
            raise UsageError(f"Unexpected command line argument: {arg}")
    return opts


def _apply(opts: Options, letter: str, value: str | None) -> None:
    if letter == "h":
        opts.help = True
    elif letter == "v":
        opts.version = True
    else:
        opts.items.append((letter, value))


def _byte_string(arg: str) -> str:
    """An argument as Tcl sees it: its bytes, one character each."""
    return arg.encode("utf-8", "surrogateescape").decode("latin-1")


def console_stream() -> io.TextIOWrapper:
    """stderr that writes each character as one byte (the Tcl string model)."""
    return io.TextIOWrapper(sys.stderr.buffer, encoding="latin-1", errors="replace",
                            line_buffering=True, write_through=True)


def main(argv: list[str] | None = None) -> int:
    from ocdpy import __version__, log

    args = sys.argv[1:] if argv is None else argv
    args = [_byte_string(a) for a in args]
    try:
        stream = console_stream()
    except (AttributeError, io.UnsupportedOperation):
        stream = None  # stderr without bytes (embedded use): write text
    log.set_output(stream)
    try:
        opts = parse_args(args)
    except UsageError as e:
        log.user(BANNER.format(version=__version__))
        log.error(f"{e}; see 'ocdpy --help'")
        return 1
    log.user(BANNER.format(version=__version__))
    if opts.help:
        log.user_partial(HELP)
        return 255
    if opts.version:
        return 0
    try:
        return run(opts, stream)
    except Exception as e:  # noqa: BLE001 - the last guard against a Python traceback
        import traceback

        log.error(f"internal error: {type(e).__name__}: {e} (a bug in ocdpy; "
                  "run with -d4 to see where)")
        if log.get_level() >= log.DEBUG_IO:
            for line in traceback.format_exc().rstrip().split("\n"):
                log.debug_io(line)
        return 1


def run(opts: Options, stream=None) -> int:
    """Run the files and commands of `opts`, then init and serve; the exit code."""
    from ocdpy import log
    from ocdpy.errors import OcdError
    from ocdpy.server import listeners
    from ocdpy.session import Session, ShutdownRequested, report_tcl_error
    from ocdpy.tcl import TclError, TclExit

    session = Session()
    session.console_stream = stream
    listeners.enable(session)  # `init` binds the GDB ports, as OpenOCD's does
    for kind, value in opts.items:
        if kind == "s":
            session.user_search_dirs.append(value or "")
        elif kind == "d":
            _run_early(session, f"debug_level {value if value is not None else 3}")
        elif kind == "l" and value:
            _run_early(session, f"log_output {{{value}}}")
    steps = opts.steps
    try:
        if not steps:
            # OpenOCD reports a missing openocd.cfg and goes on to init.
            try:
                _print_result(session.run_script("openocd.cfg"))
            except ShutdownRequested:
                pass
            except TclError as e:
                if not session.shutdown_requested:
                    report_tcl_error(e)
        for kind, value in steps:
            try:
                if kind == "f":
                    result = session.run_script(value)
                else:
                    result = session.run_command(value)
                _print_result(result)
            except ShutdownRequested:
                break
            except TclError as e:
                if session.shutdown_requested:
                    break
                report_tcl_error(e)
                session.shutdown()
                return 1
            except OcdError as e:
                log.error(e.message)
                session.shutdown()
                return 1
            if session.shutdown_requested:
                break
        if not session.shutdown_requested:
            # OpenOCD's server_init: the Tcl RPC and telnet ports, before its own `init`.
            _defer_signals(session)
            try:
                listeners.server_init(session, session.config.servers)
            except listeners.ServiceError as e:
                log.error(str(e))
                session.shutdown()
                return 1
        if not session.shutdown_requested and session.config.servers.init_at_startup:
            try:
                session.init()
            except ShutdownRequested:
                pass
            except TclError as e:
                report_tcl_error(e)
                session.shutdown()
                return 1
            except OcdError as e:
                log.error(e.message)
                session.shutdown()
                return 1
        if not session.shutdown_requested:
            serve(session)
    except TclExit as e:
        session.shutdown()
        return e.code
    except KeyboardInterrupt:
        session.shutdown()
        return 1
    session.shutdown()
    return 1 if session.shutdown_error else 0


def _defer_signals(session) -> None:
    """From the moment ports are bound, SIGTERM/SIGHUP wait for the servers, which run
    `shutdown` on them (OpenOCD notes a signal and acts on it in its server loop)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def note(signum, _frame) -> None:
        if getattr(session, "pending_signal", None) is None:
            session.pending_signal = signum

    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, note)
        except (OSError, ValueError):
            pass


def _run_early(session, line: str) -> None:
    """-d and -l run their commands while the command line is read."""
    from ocdpy.session import report_tcl_error
    from ocdpy.tcl import TclError

    try:
        session.run_command(line)
    except TclError as e:
        report_tcl_error(e)


def _print_result(result: str) -> None:
    from ocdpy import log

    if result:
        log.user(result)


def serve(session) -> None:
    """Run the telnet, Tcl RPC and GDB servers until `shutdown` (from any client), a
    signal, or the end of a `gdb_port pipe` connection (ocdpy.server)."""
    from ocdpy.server.host import ServerHost

    host = ServerHost(session)
    try:
        host.run()
    except KeyboardInterrupt:
        pass  # Ctrl-C before the servers could take the signal over
    session.shutdown_requested = True
    if host.start_error is not None:
        session.shutdown_error = True  # a port that cannot be used ends OpenOCD with an error


if __name__ == "__main__":
    sys.exit(main())

"""The `ocdpy` command line: OpenOCD's options, files and commands run in order.

    ocdpy [-s dir]... [-f file]... [-c command]... [-d[N]] [-l logfile]

Each `-f` runs as `script file`, each `-c` as a command line, in the order given; with
neither, `openocd.cfg` in the current directory is run. Unless a command shut the
session down, `init` runs afterwards and the servers start. Exit codes follow OpenOCD:
0 after a clean shutdown, 1 after an error, 255 after `-h`.
"""

from __future__ import annotations

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
    debug_level: int | None = None
    log_output: str | None = None
    search_dirs: list[str] = field(default_factory=list)
    # ("f", path) or ("c", command), in command-line order
    steps: list[tuple[str, str]] = field(default_factory=list)


def parse_args(argv: list[str]) -> Options:
    """getopt_long("hvd::l:f:s:c:") as OpenOCD parses it."""
    opts = Options()
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            matches = [k for k in _LONG if k.startswith(name)]
            if name in _LONG:
                matches = [name]
            if len(matches) != 1:
                kind = "ambiguous" if matches else "unrecognized"
                raise UsageError(f"option '{arg}' is {kind}" if matches else f"unrecognized option '{arg}'")
            letter = _LONG[matches[0]]
            if letter in _TAKES_ARG and not eq:
                if i >= len(argv):
                    raise UsageError(f"option '{name}' requires an argument")
                value = argv[i]
                i += 1
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
            # OpenOCD ignores stray words; say so rather than silently drop them.
            raise UsageError(f"unexpected argument '{arg}' (use -f FILE or -c COMMAND)")
    return opts


def _apply(opts: Options, letter: str, value: str | None) -> None:
    if letter == "h":
        opts.help = True
    elif letter == "v":
        opts.version = True
    elif letter == "d":
        if value is None:
            opts.debug_level = 3
        else:
            try:
                opts.debug_level = int(value, 0)
            except ValueError:
                raise UsageError(f"invalid debug level '{value}'") from None
    elif letter == "l":
        opts.log_output = value
    elif letter == "s":
        opts.search_dirs.append(value or "")
    elif letter in ("f", "c"):
        opts.steps.append((letter, value or ""))


def main(argv: list[str] | None = None) -> int:
    from ocdpy import __version__

    args = sys.argv[1:] if argv is None else argv
    try:
        opts = parse_args(args)
    except UsageError as e:
        sys.stderr.write(f"ocdpy: {e}\n")
        sys.stderr.write("Error: bad command line; see 'ocdpy --help'\n")
        return 1

    sys.stderr.write(BANNER.format(version=__version__) + "\n")
    if opts.help:
        sys.stderr.write(HELP)
        return 255
    if opts.version:
        return 0
    return run(opts)


def run(opts: Options) -> int:
    from ocdpy import log
    from ocdpy.session import Session, ShutdownRequested
    from ocdpy.tcl import TclError, TclExit

    if opts.debug_level is not None:
        log.set_level(opts.debug_level)
    if opts.log_output:
        try:
            log.set_output(open(opts.log_output, "w", encoding="utf-8"))  # noqa: SIM115
        except OSError as e:
            sys.stderr.write(f"Error: cannot open log file {opts.log_output}: {e.strerror}\n")
            return 1

    session = Session(search_dirs=opts.search_dirs)
    steps = opts.steps or [("f", "openocd.cfg")]
    try:
        for kind, value in steps:
            try:
                if kind == "f":
                    session.run_script(value)
                else:
                    result = session.run_command(value)
                    if result:
                        log.user(result)
            except ShutdownRequested:
                break
            except TclError as e:
                if session.shutdown_requested:
                    break
                report_error(e)
                session.shutdown()
                return 1
            if session.shutdown_requested:
                break
        if not session.shutdown_requested:
            try:
                session.init()
            except TclError as e:
                report_error(e)
                session.shutdown()
                return 1
            except Exception as e:  # noqa: BLE001 - one Error line, never a traceback
                from ocdpy.errors import OcdError

                if not isinstance(e, OcdError):
                    raise
                log.error(e.message)
                session.shutdown()
                return 1
            serve(session)
    except TclExit as e:
        session.shutdown()
        return e.code
    except KeyboardInterrupt:
        session.shutdown()
        return 1
    session.shutdown()
    return 1 if session.shutdown_error else 0


def serve(session) -> None:
    """Run the servers until shutdown. The servers are not built yet: say so and stop."""
    from ocdpy import log

    log.info("ocdpy has no telnet/Tcl/GDB servers yet; add -c shutdown to your command line")
    session.shutdown_requested = True


def report_error(e) -> None:
    """Print a Tcl error as OpenOCD does: `file:line: Error: message` and the trace."""
    from ocdpy import log

    if getattr(e, "file", None):
        text = e.format_trace()
    else:
        text = f"Error: {e.result}"
    for line in text.rstrip("\n").split("\n"):
        log.user(line)


if __name__ == "__main__":
    sys.exit(main())

"""The command registry: OpenOCD's commands as a tree of names, modes, usage and help.

A command has a full name of one or more words ("flash bank", "adapter speed",
"stm32f1x.cpu configure"). Each first word is registered in the Tcl interpreter as a
dispatcher that walks the words as OpenOCD's does: while "<command> <next word>" names
a registered command (or a Tcl proc with a multi-word name, such as the startup
script's "hla newtap"), it descends; then it checks the phase (config / exec / any) and
calls the handler. A group without a handler of its own answers with its usage.

A handler is `fn(ctx, args) -> str | None`. What it passes to `ctx.print` is OpenOCD's
`command_print` text, which becomes the Tcl result (each line ends in a newline); a
handler that returns a value sets the Tcl result directly (OpenOCD's Jim handlers).

Errors, OpenOCD's way:
- `CommandFailed` (and every other `OcdError`): the message is logged once as
  `Error: ...` and the command fails with its printed output as the Tcl result (usually
  empty), which is what OpenOCD's `LOG_ERROR(...); return ERROR_FAIL;` produces.
- `CommandSyntaxError`: the optional message is logged, the command's usage is shown
  and the command fails with an empty result.
- `ArgumentError`: `Error: Invalid command argument` is logged and the result says which
  value was bad (OpenOCD's COMMAND_PARSE_NUMBER).
- `TclError` raised by a handler passes through unchanged: its message is the result
  (OpenOCD's `Jim_SetResultFormatted` errors).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ocdpy import log
from ocdpy.errors import CommandError, OcdError
from ocdpy.target.live import refresh
from ocdpy.tcl.errors import TclError

if TYPE_CHECKING:
    from ocdpy.session import Session


class CommandMode(enum.Enum):
    CONFIG = "config"
    EXEC = "exec"
    ANY = "any"


class CommandSyntaxError(CommandError):
    """Wrong arguments: the dispatcher answers with the command's usage."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class CommandFailed(CommandError):
    """The command failed: `message` is logged as `Error: ...`; `result` becomes the
    Tcl result (OpenOCD returns the command's printed output there)."""

    def __init__(self, message: str, result: str = "") -> None:
        super().__init__(message)
        self.result = result


class JimError(CommandError):
    """A failure OpenOCD reports from a Jim command: the message is logged as
    `Error: ...` and the command raises a Tcl error whose message is `result` (usually
    empty), so a script shows `file:line: Error: ` and the trace after it."""

    def __init__(self, message: str, result: str = "") -> None:
        super().__init__(message)
        self.result = result


class ArgumentError(CommandError):
    """A number or flag did not parse: OpenOCD logs `Invalid command argument` (nothing
    when a valid number is too big for its type) and the result names the value, e.g.
    `khz option value ('abc') is not valid`."""

    def __init__(self, what: str, value: str,
                 log_line: str | None = "Invalid command argument") -> None:
        super().__init__(f"{what} option value ('{value}') is not valid")
        self.log_line = log_line


class CommandFailure(TclError):
    """How a failed command travels through Tcl: its result as the message.

    OpenOCD passes a failed C command's error code up through Tcl instead of raising a
    Tcl error, so it prints no `file:line: Error:` line for it, only the logged
    `Error: ...` line before (and the result, if any). ocdpy reports the failure's
    location without the word "Error" (session.format_tcl_error), keeping the logged
    line the first error a user or tool sees, as with OpenOCD.
    """

    def __init__(self, result: str = "", syntax: bool = False, logged: bool = True) -> None:
        super().__init__(result)
        self.syntax = syntax
        # True when the cause was already logged as an `Error:` line, so the result is
        # only the output the command printed before it failed (OpenOCD prints it bare).
        self.logged = logged


Handler = Callable[["CommandContext", list[str]], "object | None"]


@dataclass
class CommandSpec:
    name: str
    handler: Handler | None = None
    mode: CommandMode = CommandMode.ANY
    usage: str = ""
    help: str = ""
    # Commands that only exist once some object does (target, flash driver) are added
    # by that object; `owner` lets it remove them again.
    owner: object | None = None
    # Anything the handler needs besides the session (the target of "$t configure").
    data: object | None = None


@dataclass
class CommandContext:
    session: Session
    name: str  # the full command name matched ("adapter speed")
    spec: CommandSpec
    argv0: str = ""  # the name as the dispatcher saw it
    output: list[str] = field(default_factory=list)

    @property
    def interp(self):
        return self.session.interp

    @property
    def data(self) -> object | None:
        return self.spec.data

    def print(self, text: str = "") -> None:
        """Append a line to the command's output (OpenOCD's command_print)."""
        self.output.append(text + "\n")

    def print_sameline(self, text: str) -> None:
        self.output.append(text)

    def result_text(self) -> str:
        return "".join(self.output)


class Registry:
    """All commands of one session, keyed by full name."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.specs: dict[str, CommandSpec] = {}
        self._dispatchers: set[str] = set()

    # -- registration -------------------------------------------------------------

    def add(self, spec: CommandSpec) -> None:
        self.specs[spec.name] = spec
        words = spec.name.split(" ")
        # Every prefix is a group; a group without a handler of its own shows its usage.
        for i in range(1, len(words)):
            prefix = " ".join(words[:i])
            if prefix not in self.specs:
                self.specs[prefix] = CommandSpec(prefix, mode=CommandMode.ANY, owner=spec.owner,
                                                 help=f"{words[i - 1]} commands")
        self._ensure_dispatcher(words[0])

    def add_all(self, specs: Iterable[CommandSpec]) -> None:
        for spec in specs:
            self.add(spec)

    def remove(self, name: str) -> None:
        """Remove a command and everything below it."""
        for n in [n for n in self.specs if n == name or n.startswith(name + " ")]:
            del self.specs[n]
        self._drop_dispatcher_if_unused(name.split(" ")[0])

    def remove_owned(self, owner: object) -> None:
        names = [n for n, s in self.specs.items() if s.owner is owner]
        for name in names:
            self.specs.pop(name, None)
        for first in {n.split(" ")[0] for n in names}:
            self._drop_dispatcher_if_unused(first)

    def _drop_dispatcher_if_unused(self, word: str) -> None:
        if word in self.specs or word not in self._dispatchers:
            return
        self._dispatchers.discard(word)
        self.session.interp.unregister(word)

    def _ensure_dispatcher(self, word: str) -> None:
        interp = self.session.interp
        if word in self._dispatchers and interp.command_kind(word) == "python":
            return
        # A C command registered over a startup proc replaces it (OpenOCD's `jtag`).
        self._dispatchers.add(word)
        interp.register(word, self._dispatch)

    def get(self, name: str) -> CommandSpec | None:
        return self.specs.get(name)

    def has(self, name: str) -> bool:
        return name in self.specs

    def children(self, name: str) -> list[CommandSpec]:
        """Direct sub-commands of group `name` ("" for the top level), sorted."""
        depth = 0 if not name else name.count(" ") + 1
        prefix = name + " " if name else ""
        return sorted(
            (s for n, s in self.specs.items() if n.startswith(prefix) and n.count(" ") == depth),
            key=lambda s: s.name,
        )

    def subtree(self, name: str) -> list[CommandSpec]:
        prefix = name + " "
        return sorted(
            (s for n, s in self.specs.items() if n == name or n.startswith(prefix)),
            key=lambda s: s.name,
        )

    # -- dispatch -----------------------------------------------------------------

    def _dispatch(self, interp, argv: list[str]) -> object:
        specs = self.specs
        name = argv[0]
        i = 1
        # Descend one word at a time, as OpenOCD's jim_command_dispatch does.
        while i < len(argv):
            candidate = f"{name} {argv[i]}"
            if candidate in specs:
                name = candidate
                i += 1
                continue
            if interp.has_command(candidate):
                # A Tcl proc with a multi-word name ("hla newtap") defined by a script.
                return interp.call(candidate, *argv[i + 1:])
            break
        if log.get_level() >= log.DEBUG:
            log.debug("command - " + " ".join(argv))
        spec = specs.get(name)
        if spec is None:  # the word's commands were removed under us
            raise TclError(f'invalid command name "{argv[0]}"')
        return self.run(spec, argv[i:])

    def run(self, spec: CommandSpec, args: list[str]) -> object:
        """Run one command's handler with OpenOCD's phase check and error handling."""
        if spec.handler is None:
            self.session.show_usage(spec.name)
            raise TclError("")
        self.check_mode(spec)
        session = self.session
        if getattr(session, "runtime_targets", None):
            # OpenOCD runs its timer callbacks (the target poller) before every command
            # it dispatches, so a halt since the last command is reported first.
            refresh(session)
        ctx = CommandContext(session, spec.name, spec)
        try:
            result = spec.handler(ctx, args)
        except CommandSyntaxError as e:
            # OpenOCD shows only the usage here; ocdpy also says what failed, on an
            # Error line, so the failure is never mistaken for output.
            log.error(e.message or f"wrong arguments for '{spec.name}'; its usage:")
            self.session.show_usage(spec.name)
            raise CommandFailure("", syntax=True) from None
        except ArgumentError as e:
            if e.log_line:
                log.error(e.log_line)
            ctx.print(e.message)
            raise CommandFailure(ctx.result_text(), logged=bool(e.log_line)) from None
        except CommandFailed as e:
            if e.message:
                log.error(e.message)
            raise CommandFailure(e.result or ctx.result_text(), logged=bool(e.message)) from None
        except JimError as e:
            log.error(e.message)
            raise TclError(e.result) from None
        except OcdError as e:
            log.error(e.message)
            raise CommandFailure(ctx.result_text()) from None
        if result is None:
            return ctx.result_text()
        return result

    def check_mode(self, spec: CommandSpec) -> None:
        mode = spec.mode
        if mode is CommandMode.ANY:
            return
        current = self.session.command_mode
        if mode is current:
            return
        when = "before" if mode is CommandMode.CONFIG else "after"
        log.error(f"The '{spec.name}' command must be used {when} 'init'.")
        raise TclError("")

    # -- introspection ------------------------------------------------------------

    def mode_of(self, name: str) -> str:
        """`command mode NAME`: any/config/exec, "any" for a Tcl proc, else unknown."""
        spec = self.specs.get(name)
        if spec is not None:
            return spec.mode.value
        if self.session.interp.is_proc(name):
            return "any"
        return "unknown"

    # -- help and usage -----------------------------------------------------------

    def help_entries(self) -> list[tuple[str, str, str, CommandMode | None]]:
        """(name, usage, help, mode) for every command with help, sorted by name.

        Registered commands always appear; Tcl procs appear once `add_help_text` or
        `add_usage_text` named them (OpenOCD's help list works the same way)."""
        texts = self.session.help_texts
        names = set(self.specs) | set(texts)
        out = []
        for name in sorted(names):
            spec = self.specs.get(name)
            extra_help, extra_usage = texts.get(name, ("", ""))
            if spec is not None:
                usage = extra_usage or spec.usage
                help_text = extra_help or spec.help
                mode = spec.mode
            else:
                usage, help_text = extra_usage, extra_help
                mode = None
            out.append((name, usage, help_text, mode))
        return out

    def help_lines(self, match: str = "", show_help: bool = True) -> list[str]:
        """OpenOCD's `help [pattern]` / `usage [pattern]` listing: every command whose
        name, usage or help contains `match`, usage wrapped at 76 columns less 2 per
        nesting level, help indented three levels deeper."""
        lines: list[str] = []
        for name, usage, help_text, mode in self.help_entries():
            if match and not (match in name or match in usage or match in help_text):
                continue
            depth = name.count(" ")
            lines += wrap_help(f"{name} {usage}" if usage else name, depth, depth + 5)
            if show_help:
                if mode is None:
                    mode_name = self.mode_of(name)
                    mode = CommandMode(mode_name) if mode_name != "unknown" else None
                suffix = {
                    CommandMode.CONFIG: " (configuration command)",
                    CommandMode.ANY: " (command valid any time)",
                    CommandMode.EXEC: "",
                    None: " (?mode error?)",
                }[mode]
                lines += wrap_help(help_text + suffix, depth + 3, depth + 3)
        return lines


def wrap_help(text: str, first_indent: int, next_indent: int) -> list[str]:
    """Break `text` into lines of at most 76 - 2*indent columns at spaces, indenting by
    two spaces per level (OpenOCD's command_help_show_wrap)."""
    out: list[str] = []
    indent = first_indent
    rest = text
    while True:
        width = 76 - 2 * indent
        if len(rest) < width:
            out.append("  " * indent + rest)
            break
        # The last space before the width, or the first one after it for a long word.
        cut = rest.rfind(" ", 0, width)
        if cut <= 0:
            cut = rest.find(" ", width)
            if cut < 0:
                out.append("  " * indent + rest)
                break
        out.append("  " * indent + rest[:cut])
        rest = rest[cut + 1:]
        indent = next_indent
        if not rest:
            break
    return out


# -- declaring commands in modules ---------------------------------------------------

_MODULE_SPECS: dict[str, list[CommandSpec]] = {}


def command(
    name: str, *, mode: CommandMode = CommandMode.ANY, usage: str = "", help: str = ""
) -> Callable[[Handler], Handler]:
    """Declare a command in a commands/* module; `Session` registers each module's list."""

    def decorate(fn: Handler) -> Handler:
        _MODULE_SPECS.setdefault(fn.__module__, []).append(
            CommandSpec(name, fn, mode, usage, help)
        )
        return fn

    return decorate


def module_specs(module_name: str) -> list[CommandSpec]:
    return list(_MODULE_SPECS.get(module_name, []))


# -- argument parsing helpers (OpenOCD's COMMAND_PARSE_NUMBER and friends) -------------


def parse_number(text: str, what: str, bits: int = 32, signed: bool = False) -> int:
    """Parse a number as OpenOCD's parse_uint/parse_u32/parse_int do (C strtoul with
    base 0: decimal, 0x hex, leading-0 octal), or raise ArgumentError naming `what`."""
    value = _strtol(text)
    if value is None:
        raise ArgumentError(what, text)
    # strtoll/strtoull saturate at the 64-bit limits (logged as over/underflow); a
    # value outside a narrower type is refused without a log line.
    if signed:
        if value > (1 << 63) - 1:
            raise ArgumentError(what, text, "Argument overflow")
        if value < -(1 << 63):
            raise ArgumentError(what, text, "Argument underflow")
        if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
            raise ArgumentError(what, text, None)
        return value
    if abs(value) >= (1 << 64):
        raise ArgumentError(what, text, "Argument overflow")
    value &= (1 << 64) - 1  # strtoull turns "-1" into the largest value
    if value >= (1 << bits):
        raise ArgumentError(what, text, None)
    return value


def parse_uint(text: str, what: str = "value", bits: int = 32) -> int:
    return parse_number(text, what, bits)


def parse_int(text: str, what: str = "value") -> int:
    return parse_number(text, what, 32, signed=True)


def _strtol(text: str) -> int | None:
    s = text.lstrip(" \t\n\r\f\v")
    if not s:
        return None
    neg = s[0] == "-"
    if s[0] in "+-":
        s = s[1:]
    try:
        if s[:2].lower() == "0x" and len(s) > 2:
            value = int(s[2:], 16)
        elif len(s) > 1 and s[0] == "0":
            value = int(s[1:], 8)
        elif s.isdigit():
            value = int(s, 10)
        else:
            return None
    except ValueError:
        return None
    if "_" in s:
        return None
    return -value if neg else value


BOOL_WORDS = {"on": True, "off": False, "enable": True, "disable": False, "true": True,
              "false": False, "yes": True, "no": False, "1": True, "0": False}


def parse_bool(text: str, what: str = "value", on: str = "enable", off: str = "disable") -> bool:
    """OpenOCD's COMMAND_PARSE_BOOL: on/off, enable/disable, true/false, yes/no, 1/0."""
    value = BOOL_WORDS.get(text.lower())
    if value is None:
        raise CommandSyntaxError()
    return value

"""The command registry: OpenOCD's commands as a tree of names, modes, usage and help.

A command has a full name of one or more words ("flash bank", "adapter speed",
"stm32f1x.cpu configure"). Each first word is registered in the Tcl interpreter as a
dispatcher that finds the longest registered name matching the words given, checks
the phase (config / exec / any) and calls the handler. Tcl procs whose names contain
spaces (OpenOCD's startup scripts define e.g. "hla newtap") take part in the same
lookup, so commands written in Tcl and in Python live side by side.

A handler is `fn(ctx, args) -> str | None`; what it returns (plus anything it passed to
`ctx.print`) is the Tcl result, which is what OpenOCD's `command_print` produces: the
command line and consoles show it, and `set x [cmd]` captures it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ocdpy.errors import CommandError, OcdError

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


Handler = Callable[["CommandContext", list[str]], "str | None"]


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


@dataclass
class CommandContext:
    session: Session
    name: str  # the full command name matched
    output: list[str] = field(default_factory=list)

    @property
    def interp(self):
        return self.session.interp

    def print(self, text: str = "") -> None:
        """Append a line to the command's output (OpenOCD's command_print)."""
        self.output.append(text)

    def syntax_error(self, message: str = "") -> CommandSyntaxError:
        return CommandSyntaxError(message)


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
            self.specs.setdefault(prefix, CommandSpec(prefix, mode=CommandMode.ANY))
        self._ensure_dispatcher(words[0])

    def add_all(self, specs: Iterable[CommandSpec]) -> None:
        for spec in specs:
            self.add(spec)

    def remove_owned(self, owner: object) -> None:
        for name in [n for n, s in self.specs.items() if s.owner is owner]:
            del self.specs[name]
            if " " not in name and not self._has_children(name):
                self._dispatchers.discard(name)
                self.session.interp.unregister(name)

    def _has_children(self, name: str) -> bool:
        prefix = name + " "
        return any(n.startswith(prefix) for n in self.specs)

    def _ensure_dispatcher(self, word: str) -> None:
        if word in self._dispatchers:
            return
        self._dispatchers.add(word)
        self.session.interp.register(word, self._dispatch)

    def get(self, name: str) -> CommandSpec | None:
        return self.specs.get(name)

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

    def _dispatch(self, interp, argv: list[str]) -> str | None:
        from ocdpy.tcl import TclError

        # Longest match first: "flash bank x" tries "flash bank x", "flash bank", "flash".
        n = len(argv)
        spec = None
        for i in range(n, 0, -1):
            name = " ".join(argv[:i])
            spec = self.specs.get(name)
            if spec is not None:
                break
            if i > 1 and interp.has_command(name):
                # A Tcl proc with a multi-word name ("hla newtap") defined by a script.
                return interp.call(name, *argv[i:])
        assert spec is not None  # argv[0] always has a dispatcher spec
        args = argv[i:]
        if spec.handler is None:
            raise TclError(self._unknown_subcommand_text(spec, args))
        self._check_mode(spec)
        ctx = CommandContext(self.session, spec.name)
        try:
            result = spec.handler(ctx, args)
        except CommandSyntaxError as e:
            usage = self.usage_line(spec)
            raise TclError(f"{e.message}\n{usage}" if e.message else usage) from None
        except OcdError as e:
            raise TclError(e.message) from None
        out = ctx.output
        if result:
            out.append(result)
        return "\n".join(out)

    def _check_mode(self, spec: CommandSpec) -> None:
        from ocdpy.tcl import TclError

        initialized = self.session.initialized
        if spec.mode is CommandMode.CONFIG and initialized:
            raise TclError(f"The '{spec.name}' command must be used before 'init'.")
        if spec.mode is CommandMode.EXEC and not initialized:
            raise TclError(f"The '{spec.name}' command must be used after 'init'.")

    def _unknown_subcommand_text(self, group: CommandSpec, args: list[str]) -> str:
        lines = []
        if args:
            lines.append(f'{group.name}: unknown sub-command "{args[0]}"; these are:')
        else:
            lines.append(f"{group.name}: a sub-command is needed; these are:")
        for spec in self.subtree(group.name):
            if spec is not group:
                lines.append("  " + self.usage_line(spec).strip())
        return "\n".join(lines)

    # -- help and usage -----------------------------------------------------------

    def usage_line(self, spec: CommandSpec) -> str:
        return f"{spec.name} {spec.usage}".rstrip()

    def help_lines(self, match: str = "", show_help: bool = True) -> list[str]:
        """OpenOCD's `help [pattern]` listing: every command whose name, usage or help
        contains `match`, usage wrapped at 76 columns less 2 per nesting level."""
        lines: list[str] = []
        for name in sorted(self.all_help_names()):
            spec = self.specs.get(name)
            usage = spec.usage if spec else self.session.help_texts.get(name, ("", ""))[1]
            help_text = spec.help if spec else ""
            extra_help, extra_usage = self.session.help_texts.get(name, ("", ""))
            help_text = help_text or extra_help
            usage = usage or extra_usage
            if match and not (match in name or match in usage or match in help_text):
                continue
            depth = name.count(" ")
            lines += _wrap(f"{name} {usage}".rstrip(), depth, depth + 5)
            if show_help:
                mode = spec.mode if spec else CommandMode.ANY
                suffix = {
                    CommandMode.CONFIG: " (configuration command)",
                    CommandMode.ANY: " (command valid any time)",
                    CommandMode.EXEC: "",
                }[mode]
                lines += _wrap(help_text + suffix, depth + 3, depth + 3)
        return lines

    def all_help_names(self) -> set[str]:
        names = set(self.specs)
        names.update(self.session.help_texts)
        return {n for n in names if n not in self.session.help_hidden}


def _wrap(text: str, first_indent: int, next_indent: int) -> list[str]:
    """Wrap at word boundaries to 76 - 2*indent columns, indenting by 2 per level."""
    out: list[str] = []
    indent = first_indent
    words = text.split(" ")
    line = ""
    for word in words:
        width = 76 - 2 * indent
        candidate = f"{line} {word}" if line else word
        if line and len(candidate) >= width:
            out.append("  " * indent + line)
            indent = next_indent
            line = word
        else:
            line = candidate
    out.append("  " * indent + line)
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


def parse_uint(text: str, what: str = "value", bits: int = 32) -> int:
    """Parse a number as OpenOCD does (decimal, 0x hex, 0 octal), or raise a syntax
    error naming the argument."""
    try:
        value = _parse_c_integer(text)
    except ValueError:
        raise CommandSyntaxError(f"{what} option value ('{text}') is not valid") from None
    if value < 0 or value >= (1 << bits):
        raise CommandSyntaxError(f"{what} option value ('{text}') is not valid")
    return value


def parse_int(text: str, what: str = "value") -> int:
    try:
        return _parse_c_integer(text)
    except ValueError:
        raise CommandSyntaxError(f"{what} option value ('{text}') is not valid") from None


def _parse_c_integer(text: str) -> int:
    s = text.strip()
    neg = s.startswith("-")
    if neg or s.startswith("+"):
        s = s[1:]
    if not s:
        raise ValueError(text)
    if s[:2].lower() == "0x":
        value = int(s[2:], 16)
    elif len(s) > 1 and s[0] == "0":
        value = int(s[1:], 8)
    else:
        if not s.isdigit():
            raise ValueError(text)
        value = int(s, 10)
    return -value if neg else value


def parse_bool(text: str, true_word: str = "enable", false_word: str = "disable") -> bool:
    t = text.lower()
    if t in (true_word, "on", "true", "1", "yes", "enable"):
        return True
    if t in (false_word, "off", "false", "0", "no", "disable"):
        return False
    raise CommandSyntaxError(f"'{text}' is not '{true_word}' or '{false_word}'")

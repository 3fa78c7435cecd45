"""OpenOCD's command interface as data (openocd_table.py): which commands each scope adds
(the core, an adapter driver, a transport, a target type, a flash driver), with their
modes and usage lines. ocdpy registers a scope's commands when OpenOCD would (at
`adapter driver ftdi`, at `target create ... cortex_a`, ...).

Commands that ocdpy implements in Python replace these entries. The rest are accepted
in the config phase and their arguments recorded (`Configuration.other_settings`), so
scripts written for any adapter or target load; exec-phase ones report that they need
`init` before it, and that ocdpy does not implement them after it.
"""

from __future__ import annotations

from functools import cache

from ocdpy.commands.registry import CommandContext, CommandFailed, CommandMode, CommandSpec

KEEP_TCL_BUILTINS = frozenset({"expr"})

_MODES = {"any": CommandMode.ANY, "config": CommandMode.CONFIG, "exec": CommandMode.EXEC}


@cache
def entries(scope: str) -> list[tuple[str, str, str]]:
    """(name, mode, usage) of every command in `scope` ("core", "driver ftdi", ...).
    Only the sections a session needs are read."""
    from ocdpy.commands.openocd_table import TABLE

    start = TABLE.find(f"\n[{scope}]\n")
    if start < 0:
        return []
    start += len(scope) + 3  # at the newline ending the header
    end = TABLE.find("\n[", start)
    out = []
    for line in TABLE[start:end if end >= 0 else len(TABLE)].split("\n"):
        if line:
            name, mode, *usage = line.split("\t")
            out.append((name, mode, usage[0] if usage else ""))
    return out


def has_scope(scope: str) -> bool:
    from ocdpy.commands.openocd_table import TABLE

    return f"\n[{scope}]\n" in TABLE


def specs(scope: str, prefix: str = "", owner: object | None = None,
          data: object | None = None) -> list[CommandSpec]:
    """CommandSpecs for a scope's commands, named `prefix + name` (target instance
    commands get the target's name in front), with generic handlers."""
    # OpenOCD's `expr` only wraps Tcl's to warn about unbraced expressions; keep Tcl's.
    items = [e for e in entries(scope) if e[0] not in KEEP_TCL_BUILTINS]
    # A name with sub-commands is a group: without a handler, it answers with usage.
    groups = {name.rsplit(" ", 1)[0] for name, _m, _u in items if " " in name}
    out = []
    for name, mode, usage in items:
        m = _MODES[mode]
        if name in groups:
            handler, help_text = None, f"{name.rsplit(' ', 1)[-1]} commands"
        else:
            handler = generic_handler(m)
            help_text = GENERIC_HELP[m]
        out.append(CommandSpec(prefix + name, handler, m, usage, help_text, owner=owner, data=data))
    return out


GENERIC_HELP = {
    CommandMode.EXEC: "An OpenOCD command ocdpy does not implement yet.",
    CommandMode.CONFIG: "Accepted and recorded for OpenOCD compatibility; ocdpy does not act on it.",
    CommandMode.ANY: "Accepted and recorded for OpenOCD compatibility; ocdpy does not act on it.",
}


def generic_handler(mode: CommandMode):
    """A handler for a command ocdpy knows by name only: record it, or (exec commands)
    say that ocdpy does not implement it yet."""
    if mode is CommandMode.EXEC:
        return not_implemented
    return record_setting


def record_setting(ctx: CommandContext, args: list[str]) -> None:
    ctx.session.config.other_settings.append((ctx.name, list(args)))
    return None


def not_implemented(ctx: CommandContext, args: list[str]) -> None:
    raise CommandFailed(f"ocdpy does not implement '{ctx.name}' yet")

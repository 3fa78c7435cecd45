"""Tab completion of command names, sub-commands and variables, as OpenOCD's console.

The word being completed starts after the last `;`, `[` or `{` before the cursor (a
`$` starts a variable name). Candidates are full command names — "flash write_image"
completes from "flash wr" — taken from the command registry and the interpreter's
commands and procs, without command groups, configuration-only commands once `init`
has run, and internal helpers.
"""

from __future__ import annotations

from dataclasses import dataclass

# OpenOCD's _telnet_autocomplete_skip list, plus ours.
HIDDEN = frozenset({"prevent_cps", "POST", "Host:", "ocd_gdb_restart"})


@dataclass
class Completion:
    start: int  # where the completed word starts in the line
    query: str  # the word as typed (runs of spaces collapsed)
    candidates: list[str]  # sorted full names

    @property
    def common(self) -> str:
        """The longest common prefix of the candidates."""
        if not self.candidates:
            return self.query
        first, last = self.candidates[0], self.candidates[-1]
        n = 0
        while n < min(len(first), len(last)) and first[n] == last[n]:
            n += 1
        return first[:n]


def complete(session: object, line: str, cursor: int | None = None) -> Completion:
    if cursor is None:
        cursor = len(line)
    start, is_variable = _word_start(line, cursor)
    pos = start
    while pos < cursor and line[pos].isspace():
        pos += 1
    query = _collapse_spaces(line[pos:cursor])
    if is_variable:
        names = _variable_names(session)
    else:
        names = command_names(session)
    return Completion(pos, query, sorted(n for n in names if n.startswith(query)))


def _collapse_spaces(text: str) -> str:
    out = []
    prev_space = False
    for ch in text:
        space = ch.isspace()
        if space and prev_space:
            continue
        out.append(ch)
        prev_space = space
    return "".join(out)


def _word_start(line: str, cursor: int) -> tuple[int, bool]:
    have_spaces = False
    i = cursor - 1
    while i >= 0:
        c = line[i]
        if c in ";[{":
            return i + 1, False
        if c == " ":
            have_spaces = True
        elif c == "$" and not have_spaces:
            return i + 1, True
        i -= 1
    return 0, False


def command_names(session: object) -> set[str]:
    """Every name a console user may complete to (a snapshot; safe from any thread)."""
    from ocdpy.commands.registry import CommandMode

    registry = getattr(session, "registry", None)
    interp = getattr(session, "interp", None)
    initialized = bool(getattr(session, "initialized", False))
    for _attempt in range(3):
        try:
            specs = list(registry.specs.items()) if registry is not None else []
            tcl_names = list(interp.command_names()) if interp is not None else []
            break
        except RuntimeError:  # changed while we copied it (a command is being added)
            continue
    else:
        return set()
    names: set[str] = set()
    spec_names = {name for name, _spec in specs}
    groups = set()
    for name, spec in specs:
        if spec.handler is None:
            groups.add(name)
            continue
        if initialized and spec.mode is CommandMode.CONFIG:
            continue
        names.add(name)
    for name in tcl_names:
        if name in groups or name.startswith("_") or "::" in name:
            continue
        if name in spec_names:
            continue  # the registry already decided about it
        names.add(name)
    return {n for n in names if n not in HIDDEN and not n.startswith("_")}


def _variable_names(session: object) -> set[str]:
    interp = getattr(session, "interp", None)
    if interp is None:
        return set()
    try:
        return set(interp.globals.vars.keys())
    except (AttributeError, RuntimeError):
        return set()

"""Jim's core commands, grouped by topic; `install` puts them all in an interp.

`control` (set, if, proc ...) is loaded at once: compiled scripts inline those
commands. The other topics load on the first call of one of their commands, so an
interpreter that runs a small script starts fast. `LAZY` must list every command of
those modules (a test checks it against each module's COMMANDS).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; type checkers see True

if TYPE_CHECKING:
    from ocdpy.tcl.interp import Interp

LAZY = {
    "lists": "concat join lappend lassign lindex linsert list llength lrange lrepeat lreplace "
             "lreverse lsearch lset lsort range split",
    "strings": "string",
    "dicts": "array dict",
    "info": "errorInfo info stackdump stacktrace",
    "misc": "after cd clock env file flush pid puts pwd sleep stderr stdout",
    "text": "format regexp regsub",
    "namespace": "alias namespace variable",
    "scan": "scan",
}


def install(interp: Interp) -> None:
    from ocdpy.tcl.commands import control

    cmds = interp.cmds
    cmds.update(control.COMMANDS)
    for module, names in LAZY.items():
        for name in names.split():
            cmds[name] = LazyCommand(interp, module, name)


class LazyCommand:
    """Stands for a command until its module is loaded (then it is replaced)."""

    __slots__ = ("interp", "module", "name")

    def __init__(self, interp: Interp, module: str, name: str) -> None:
        self.interp = interp
        self.module = module
        self.name = name

    def __call__(self, F, argv):
        return load(self.interp, self.module)[self.name](F, argv)


def load(interp: Interp, module: str) -> dict:
    """Import a command module and put its commands where its stubs still are."""
    import importlib

    table = importlib.import_module(f"ocdpy.tcl.commands.{module}").COMMANDS
    cmds = interp.cmds
    for key, cur in list(cmds.items()):
        # a script may have renamed a stub: the new name gets the real command
        if cur.__class__ is LazyCommand and cur.module == module:
            cmds[key] = table[cur.name]
    return table

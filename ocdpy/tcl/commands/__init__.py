"""Jim's core commands, grouped by topic; `install` puts them all in an interp."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ocdpy.tcl.interp import Interp


def install(interp: Interp) -> None:
    from ocdpy.tcl.commands import control, dicts, info, lists, misc, namespace, scan, strings, text

    for mod in (control, lists, strings, dicts, info, misc, text, namespace, scan):
        for name, fn in mod.COMMANDS.items():
            interp.cmds[name] = fn

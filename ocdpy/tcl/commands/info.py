"""`info`: introspection of commands, procs, variables, levels, frames and errors."""

from __future__ import annotations

from ocdpy.tcl.commands.util import get_enum, glob_match, wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.parser import parse
from ocdpy.tcl.values import SCRIPT, S, SrcStr, TclList, get_int, list_of

SUBCOMMANDS = ["alias", "args", "body", "channels", "commands", "complete", "exists", "frame",
               "globals", "hostname", "level", "locals", "nameofexecutable", "patchlevel",
               "procs", "references", "returncodes", "script", "source", "stacktrace",
               "statics", "vars", "version"]
_CODES = ["ok", "error", "return", "break", "continue", "signal", "exit", "eval"]


def _frame_for_level(F, spec, is_level: bool):
    n = get_int(spec)
    level = n if n > 0 else F.level + n
    if n == 0 and is_level:
        level = F.level
    if level <= 0 or level > F.level:
        raise TclError(f'bad level "{S(spec)}"')
    f = F
    while f is not None and f.level > level:
        f = f.parent
    if f is None:
        raise TclError(f'bad level "{S(spec)}"')
    return f


def _visible_vars(F, local_only: bool) -> list:
    from ocdpy.tcl.interp import Link

    out = []
    for k, c in F.vars.items():
        if c.__class__ is Link:
            if local_only or not c.exists():
                continue
        out.append(k)
    return out


def plain_info(F, sub: str, pat: str | None) -> list:
    """Names for `info commands|procs|vars|locals|globals`, without namespace rules."""
    interp = F.interp
    if sub in ("commands", "procs"):
        # Jim lists a command by the name it was created with (`proc ::f` shows ::f)
        shown = interp.cmd_display
        return [shown.get(k, k) for k in interp.cmds if (sub == "commands" or interp.is_proc(k))
                and (pat is None or glob_match(pat, k))]
    if sub == "globals":
        names = _visible_vars(interp.globals, False)
    elif sub == "locals":
        names = _visible_vars(F, True) if F.level > 0 else []
    else:
        names = _visible_vars(F, False)
    return [k for k in names if pat is None or glob_match(pat, k)]


def cmd_info(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "subcommand ?args ...?")
    sub = get_enum(argv[1], SUBCOMMANDS, "subcommand")
    interp = F.interp
    n = len(argv)
    if sub == "exists":
        if n != 3:
            raise wrong_args(argv, 2, "varName")
        return int(interp.var_exists_f(F, S(argv[2])))
    if sub in ("commands", "procs", "vars", "locals", "globals"):
        if n not in (2, 3):
            raise wrong_args(argv, 2, "?pattern?")
        pat = S(argv[2]) if n == 3 else None
        if F.ns or (pat is not None and pat.startswith("::")):
            from ocdpy.tcl.commands.namespace import namespace_info

            return namespace_info(F, sub, pat)
        return TclList(plain_info(F, sub, pat))
    if sub in ("level", "frame"):
        if n == 2:
            return F.level
        if n != 3:
            raise wrong_args(argv, 2, "?levelNum?")
        f = _frame_for_level(F, argv[2], sub == "level")
        if sub == "level":
            return TclList(list(f.argv))
        where = f.call_where
        name = S(f.argv[0]) if f.argv else ""
        return TclList([name, where[0], where[1]])
    if sub in ("body", "args", "statics"):
        if n != 3:
            raise wrong_args(argv, 2, "procname")
        name = S(argv[2])
        fn = interp.lookup(F, name)
        if fn is None:
            raise TclError(f'invalid command name "{name}"')
        p = interp.proc_of(fn)
        if p is None:
            raise TclError(f'command "{name}" is not a procedure')
        if sub == "body":
            return p.body
        if sub == "args":
            return p.args_value
        return ""
    if sub in ("version", "patchlevel"):
        return "0.81"
    if sub == "complete":
        if n not in (3, 4):
            raise wrong_args(argv, 2, "script ?missing?")
        sc = parse(S(argv[2]))
        complete = sc.error is None or sc.error.startswith("extra")
        return int(complete)
    if sub == "script":
        if n != 2:
            raise wrong_args(argv, 2, "")
        return F.where[0] if F.where[0] else interp.info_script()
    if sub == "source":
        if n not in (3, 5):
            raise wrong_args(argv, 2, "source ?filename line?")
        v = argv[2]
        if n == 5:
            return SrcStr(S(v), S(argv[3]), get_int(argv[4]))
        if v.__class__ is SrcStr and v.rep <= SCRIPT:
            return TclList([v.file, v.line])
        return TclList(["", 1])
    if sub == "stacktrace":
        e = interp.last_error
        return TclList(list(e.stack)) if e is not None else ""
    if sub == "returncodes":
        if n == 2:
            items: list = []
            for i, c in enumerate(_CODES):
                items.extend((i, c))
            return TclList(items)
        c = get_int(argv[2])
        return _CODES[c] if 0 <= c < len(_CODES) else c
    if sub == "hostname":
        import socket

        return socket.gethostname()
    if sub == "nameofexecutable":
        import sys

        return sys.executable
    if sub == "channels":
        return TclList(["stdin", "stdout", "stderr"])
    if sub == "alias":
        if n != 3:
            raise wrong_args(argv, 2, "command")
        fn = interp.lookup(F, S(argv[2]))
        if fn is None:
            raise TclError(f'invalid command name "{S(argv[2])}"')
        target = getattr(fn, "alias_target", None)
        if target is None:
            raise TclError(f'command "{S(argv[2])}" is not an alias')
        return target
    return "not supported"


def live_stacktrace(F, skip: int = 0) -> list:
    """Jim's `stacktrace`: proc, file, line per live frame, innermost first."""
    out: list = []
    f = F
    for _ in range(skip):
        if f.level == 0:
            break
        f = f.parent
    while f is not None and f.level > 0:
        name = S(f.argv[0]) if f.argv else ""
        out.extend((name, f.call_where[0], f.call_where[1]))
        f = f.parent
    return out


def cmd_stacktrace(F, argv):
    if len(argv) > 2:
        raise wrong_args(argv, 1, "?skip?")
    # as a Tcl proc in Jim, its own frame is skipped by the `incr skip`
    return TclList(live_stacktrace(F, get_int(argv[1]) if len(argv) == 2 else 0))


def cmd_stackdump(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "stacktrace")
    st = list_of(argv[1])
    lines = []
    for i in range(len(st) - 3, -1, -3):
        p, f, ln = S(st[i]), S(st[i + 1]), S(st[i + 2])
        line = ""
        if p:
            line = f"in procedure '{p}' " + ("called " if f else "")
        if f:
            line += f'at file "{f}", line {ln}'
        if line:
            lines.append(line)
    return "\n".join(lines)


def cmd_error_info(F, argv):
    if len(argv) not in (2, 3):
        raise wrong_args(argv, 1, "msg ?stacktrace?")
    from ocdpy.tcl.errors import format_error

    stack = list(list_of(argv[2])) if len(argv) == 3 else []
    if not stack:
        e = F.interp.last_error
        stack = (list(e.stack) if e is not None else []) + live_stacktrace(F)
    return format_error(S(argv[1]), stack)


COMMANDS = {"info": cmd_info, "stacktrace": cmd_stacktrace, "stackdump": cmd_stackdump,
            "errorInfo": cmd_error_info}

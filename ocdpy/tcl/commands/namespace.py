"""`namespace` and `variable`: Jim's implicit namespaces.

Jim keeps no namespace objects. A command or global variable whose name contains `::`
belongs to the namespace its qualifiers name (`proc ::a::f` lives in `a`), and a
namespace vanishes when nothing named in it is left. A frame knows its namespace
(`Frame.ns`, "" for the global one); a command name is looked up first in the frame's
namespace, then globally. Variables never fall back: `variable` links a local name to
the namespace variable, as `global` does.
"""

from __future__ import annotations

from ocdpy.tcl.commands.util import get_enum, glob_match, wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import S, TclList

SUBCOMMANDS = ["canonical", "code", "current", "delete", "eval", "export", "import", "inscope",
               "origin", "parent", "qualifiers", "tail", "upvar", "which"]


def canonical(ns: str, name: str) -> str:
    """Jim's canonical name of `name` seen from namespace `ns` (no leading colons)."""
    if name.startswith("::"):
        return name.lstrip(":")
    if not ns:
        return name
    return f"{ns}::{name}"


def qualifiers(name: str) -> str:
    k = name.rfind(":")
    if k > 0 and name[k - 1] == ":":
        return name[:k - 1]
    return ""


def tail(name: str) -> str:
    k = name.rfind(":")
    if k > 0 and name[k - 1] == ":":
        return name[k + 1:]
    return name


def eval_in_namespace(F, ns: str, script: object) -> object:
    """Run `script` in a new call frame whose namespace is `ns` (namespace eval)."""
    from ocdpy.tcl.interp import MAX_CALL_DEPTH, Frame

    interp = F.interp
    nf = Frame(interp, F.level + 1, F, None, [], ns)
    nf.call_where = F.where
    if nf.level == MAX_CALL_DEPTH:
        raise TclError("Too many nested calls. Infinite recursion?")
    saved = interp.frame
    interp.frame = nf
    try:
        return interp.eval_in(nf, script)
    finally:
        interp.frame = saved


def _command_exists(interp, name: str) -> bool:
    return name.lstrip(":") in interp.cmds


def _proc_helper_error(sub: str, usage: str, argv: list) -> TclError:
    return TclError(f'wrong # args: should be "namespace {sub}{" " + usage if usage else ""}"')


def cmd_namespace(F, argv):
    n = len(argv)
    if n < 2:
        raise wrong_args(argv, 1, "subcommand ?arg ...?")
    sub = get_enum(argv[1], SUBCOMMANDS, "subcommand")
    ns = F.ns
    if sub == "eval":
        if n < 4:
            raise wrong_args(argv, 2, "name arg ?arg...?")
        from ocdpy.tcl.commands.control import _concat_args

        script = argv[3] if n == 4 else _concat_args(argv[3:])
        return eval_in_namespace(F, canonical(ns, S(argv[2])), script)
    if sub == "current":
        if n != 2:
            raise wrong_args(argv, 2, "")
        return "::" + ns
    if sub == "canonical":
        if n > 4:
            raise wrong_args(argv, 2, "?current? ?name?")
        if n == 2:
            return ns
        if n == 3:
            return canonical(ns, S(argv[2]))
        return canonical(S(argv[2]), S(argv[3]))
    if sub in ("qualifiers", "tail"):
        if n != 3:
            raise wrong_args(argv, 2, "string")
        return qualifiers(S(argv[2])) if sub == "qualifiers" else tail(S(argv[2]))
    if sub == "export":
        return ""
    if sub == "parent":
        if n not in (2, 3):
            raise wrong_args(argv, 2, "?name?")
        name = S(argv[2]) if n == 3 else ns
        if name in ("", "::"):
            return ""
        q = qualifiers(name)
        return q if q.startswith("::") else "::" + q
    return _HELPERS[sub](F, argv[2:])


# The subcommands Jim writes as Tcl procs (nshelper.tcl); same behaviour here.

def _ns_delete(F, args: list) -> object:
    interp = F.interp
    for a in args:
        name = S(a)
        if name in ("::", ""):
            continue
        full = canonical(F.ns, name)
        prefix = full + "::"
        for cmd in [c for c in interp.cmds if c.startswith(prefix)]:
            interp.cmds.pop(cmd, None)
            interp.python_cmds.pop(cmd, None)
        gv = interp.globals.vars
        for v in [v for v in gv if v.startswith(prefix)]:
            del gv[v]
    return ""


def _alias_target(fn) -> str | None:
    return getattr(fn, "alias_target", None)


def _ns_origin(F, args: list) -> object:
    if len(args) != 1:
        raise _proc_helper_error("origin", "name", args)
    interp = F.interp
    name = S(args[0])
    full = canonical(F.ns, name)
    seen = 0
    while True:
        fn = interp.cmds.get(full)
        target = _alias_target(fn) if fn is not None else None
        if target is None or seen > 100:
            break
        full = S(target).lstrip(":")
        seen += 1
    if full in interp.cmds:
        return "::" + full
    if _command_exists(interp, name):
        return "::" + name.lstrip(":")
    raise TclError(f'invalid command name "{name}"')


def _ns_which(F, args: list) -> object:
    if len(args) == 1:
        kind, name = "-command", S(args[0])
    elif len(args) == 2:
        kind, name = S(args[0]), S(args[1])
    else:
        raise _proc_helper_error("which", "?type? name", args)
    full = "::" + canonical(F.ns, name)
    if kind == "-variable":
        return full
    if kind == "-command":
        if _command_exists(F.interp, full):
            return full
        if _command_exists(F.interp, "::" + name):
            return "::" + name.lstrip(":")
        return ""
    raise TclError('wrong # args: should be "namespace which ?-command? ?-variable? name"')


def _ns_code(F, args: list) -> object:
    if len(args) != 1:
        raise _proc_helper_error("code", "arg", args)
    script = S(args[0])
    if script.startswith("::namespace inscope "):
        return args[0]
    return TclList(["::namespace", "inscope", "::" + F.ns, args[0]])


def _ns_inscope(F, args: list) -> object:
    if len(args) < 2:
        raise _proc_helper_error("inscope", "name arg ?arg ...?", args)
    from ocdpy.tcl.commands.lists import concat_values

    script = args[1] if len(args) == 2 else concat_values([args[1], TclList(list(args[2:]))])
    return eval_in_namespace(F, canonical(F.ns, S(args[0])), script)


def _ns_import(F, args: list) -> object:
    interp = F.interp
    current = F.ns
    for a in args:
        pattern = S(a)
        full = canonical(current, pattern)
        for cmd in [c for c in interp.cmds if glob_match(full, c)]:
            if qualifiers(cmd) == current:
                raise TclError(f'import pattern "{pattern}" tries to import from namespace '
                               f'"{current}" into itself')
            newcmd = f"{current}::{tail(cmd)}" if current else tail(cmd)
            make_alias(interp, newcmd, [cmd])
    return ""


def make_alias(interp, name: str, prefix: list) -> None:
    """A command `name` that calls the words `prefix` plus its own arguments (Jim's alias)."""
    words = list(prefix)

    def alias(F, argv):
        return interp.invoke(F, [*words, *argv[1:]], F.where)

    alias.alias_target = TclList(words)  # type: ignore[attr-defined]
    interp.cmds[name] = alias


def cmd_alias(F, argv):
    if len(argv) < 3:
        raise wrong_args(argv, 1, "newname command ?args ...?")
    name = S(argv[1])
    make_alias(F.interp, canonical(F.ns, name), list(argv[2:]))
    return argv[1]


def _ns_upvar(F, args: list) -> object:
    if not args:
        raise _proc_helper_error("upvar", "ns ?arg ...?", args)
    from ocdpy.tcl.commands.control import _link

    full = "::" + canonical(F.ns, S(args[0]))
    rest = args[1:]
    if len(rest) % 2:
        raise wrong_args(["upvar"], 1, "?level? otherVar localVar ?otherVar localVar ...?")
    for k in range(0, len(rest), 2):
        _link(F, F, f"{full}::{S(rest[k])}", S(rest[k + 1]))
    return ""


_HELPERS = {
    "delete": _ns_delete, "origin": _ns_origin, "which": _ns_which, "code": _ns_code,
    "inscope": _ns_inscope, "import": _ns_import, "upvar": _ns_upvar,
}


def cmd_variable(F, argv):
    n = len(argv)
    if n > 3:
        raise wrong_args(argv, 1, "name ?value?")
    if n == 1:
        return ""
    from ocdpy.tcl.commands.control import _link

    interp = F.interp
    given = S(argv[1])
    target = canonical(F.ns, given)
    local = tail(given)
    if F.level != 0 or F.ns:
        if local.endswith(")") and "(" in local:
            raise TclError(f'can\'t define "{local}": name refers to an element in an array')
        existing = F.vars.get(local)
        if existing is None or getattr(existing, "name", None) != target:
            try:
                _link(F, interp.globals, "::" + target, local)
            except TclError:
                # Jim has one message for any link it cannot make here
                raise TclError(f'can\'t define "{local}": name refers to an element in an array') from None
    if n == 3:
        interp.set_var_f(F, local, argv[2])
    return ""


def namespace_info(F, sub: str, pattern: str | None) -> TclList:
    """`info commands|procs|vars|globals|locals` seen from a namespace (Jim's helper)."""
    from ocdpy.tcl.commands.info import plain_info

    current = F.ns
    pat = pattern if pattern is not None else "*"
    is_global = pat.startswith("::")
    full = canonical(current, pat)
    if sub in ("commands", "procs"):
        names = plain_info(F, sub, full)
        if is_global:
            return TclList(["::" + c for c in names])
        cut = len(current) + 2 if current else 0
        seen: dict = {}
        for c in names:
            seen[c[cut:]] = 1
        if sub == "commands":
            for c in plain_info(F, sub, pat):
                seen[c] = 1
        return TclList(list(seen))
    if sub == "vars":
        names = plain_info(F.interp.globals, "vars", full)
    elif sub == "globals":
        names = plain_info(F, "globals", full)
    else:
        names = plain_info(F, "locals", pat)
    if is_global:
        return TclList(["::" + v for v in names])
    return TclList(names)


COMMANDS = {"namespace": cmd_namespace, "variable": cmd_variable, "alias": cmd_alias}

__all__ = ["COMMANDS", "canonical", "qualifiers", "tail", "eval_in_namespace"]

"""`dict` and `array` (in Jim an array is a variable holding a dict)."""

from __future__ import annotations

from ocdpy.tcl.commands.util import get_enum, glob_match, subcmd_error, wrong_args
from ocdpy.tcl.errors import TclBreak, TclContinue, TclError
from ocdpy.tcl.values import S, TclDict, TclList, dict_of, get_int, list_of, wrap

SUBCOMMANDS = ["append", "create", "exists", "for", "get", "getwithdefault", "incr", "info",
               "keys", "lappend", "merge", "remove", "replace", "set", "size", "unset",
               "update", "values", "with"]


def _get_path(d, keys: list):
    v = d
    for k in keys:
        dd = dict_of(v)
        ks = S(k)
        if ks not in dd:
            raise TclError(f'key "{ks}" not known in dictionary')
        v = dd[ks]
    return v


def _set_path(v, keys: list, value):
    d = dict(dict_of(v)) if v is not None else {}
    k = S(keys[0])
    if len(keys) == 1:
        d[k] = value
    else:
        d[k] = _set_path(d.get(k), keys[1:], value)
    return TclDict(d)


def _unset_path(v, keys: list):
    d = dict(dict_of(v))
    k = S(keys[0])
    if len(keys) == 1:
        d.pop(k, None)
    else:
        if k not in d:
            raise TclError(f'key "{k}" not known in dictionary')
        d[k] = _unset_path(d[k], keys[1:])
    return TclDict(d)


def as_library_proc(e: TclError, proc: str, line: int, file: str = "stdlib.tcl") -> TclError:
    """Make `e` look as if it left a Tcl proc of Jim's library at `file`:`line`.

    Jim writes `dict incr/append/lappend/update/remove/for` as procs in stdlib.tcl, so
    its traces name them and their source lines; the same positions are kept here.
    """
    from ocdpy.tcl.compiler import add_error

    add_error(e, file, line)
    e.add_trace += 1
    e.error_proc = proc
    return e


def _var(F, name):
    interp = F.interp
    return interp.get_var_f(F, name) if interp.var_exists_f(F, name) else None


def cmd_dict(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "subcommand ?arguments ...?")
    sub = get_enum(argv[1], SUBCOMMANDS, "subcommand")
    a = argv[2:]
    n = len(a)
    interp = F.interp
    if sub == "create":
        if n % 2:
            raise wrong_args(argv, 2, "?key value ...?")
        d = {}
        for i in range(0, n, 2):
            d[S(a[i])] = a[i + 1]
        return TclDict(d)
    if sub == "get":
        if n < 1:
            raise wrong_args(argv, 2, "dictionary ?key ...?")
        if n == 1:
            return a[0]
        return _get_path(a[0], a[1:])
    if sub == "getwithdefault":
        if n < 3:
            raise wrong_args(argv, 2, "dictionary ?key ...? key default")
        try:
            return _get_path(a[0], a[1:-1])
        except TclError:
            return a[-1]
    if sub == "exists":
        if n < 2:
            raise wrong_args(argv, 2, "dictionary key ?key ...?")
        v = a[0]
        for k in a[1:]:
            d = dict_of(v)
            ks = S(k)
            if ks not in d:
                return 0
            v = d[ks]
        return 1
    if sub == "set":
        if n < 3:
            raise wrong_args(argv, 2, "varName key ?key ...? value")
        name = S(a[0])
        v = _set_path(_var(F, name), a[1:-1], a[-1])
        interp.set_var_f(F, name, v)
        return v
    if sub == "unset":
        if n < 2:
            raise wrong_args(argv, 2, "varName key ?key ...?")
        name = S(a[0])
        cur = _var(F, name)
        if cur is None:
            return ""
        v = _unset_path(cur, a[1:])
        interp.set_var_f(F, name, v)
        return v
    if sub in ("keys", "values"):
        if n not in (1, 2):
            raise wrong_args(argv, 2, "dictionary ?pattern?")
        d = dict_of(a[0])
        pat = S(a[1]) if n == 2 else None
        if sub == "keys":
            return TclList([k for k in d if pat is None or glob_match(pat, k)])
        return TclList([v for v in d.values() if pat is None or glob_match(pat, S(v))])
    if sub == "size":
        if n != 1:
            raise wrong_args(argv, 2, "dictionary")
        return len(dict_of(a[0]))
    if sub == "info":
        if n != 1:
            raise wrong_args(argv, 2, "dictionary")
        return f"{len(dict_of(a[0]))} entries in table, 16 buckets"
    if sub == "merge":
        d = {}
        for x in a:
            d.update(dict_of(x))
        return TclDict(d)
    if sub == "remove":
        if n < 1:
            raise wrong_args(argv, 2, "dictionary ?key ...?")
        if n == 1:
            return a[0]
        try:
            d = dict(dict_of(a[0]))
        except TclError as e:
            raise as_library_proc(e, "dict remove", 166) from None
        for k in a[1:]:
            d.pop(S(k), None)
        return TclDict(d)
    if sub == "replace":
        if n < 1 or n % 2 == 0:
            raise wrong_args(argv, 2, "dictionary ?key value ...?")
        d = dict(dict_of(a[0]))
        for i in range(1, n, 2):
            d[S(a[i])] = a[i + 1]
        return TclDict(d)
    if sub in ("incr", "lappend", "append"):
        if n < 2 or (sub == "incr" and n > 3):
            raise wrong_args(argv, 2, "varName key ?increment?" if sub == "incr" else "varName key ?value ...?")
        name = S(a[0])
        cur = _var(F, name)
        base = {"incr": 154, "lappend": 134, "append": 144}[sub]
        try:
            d = dict(dict_of(cur)) if cur is not None else {}
        except TclError as e:
            raise as_library_proc(e, f"dict {sub}", base + 2) from None
        k = S(a[1])
        if sub == "incr":
            from ocdpy.tcl.commands.util import get_int_expr

            try:
                by = get_int_expr(interp, F, a[2]) if n > 2 else 1
                d[k] = wrap(get_int(d[k]) + by) if k in d else by
            except TclError as e:
                raise as_library_proc(e, "dict incr", 159) from None
        elif sub == "lappend":
            d[k] = TclList(list(list_of(d.get(k, ""))) + list(a[2:]))
        else:
            d[k] = S(d.get(k, "")) + "".join(S(x) for x in a[2:])
        v = TclDict(d)
        interp.set_var_f(F, name, v)
        return v
    if sub == "for":
        if n != 3:
            raise wrong_args(argv, 2, "vars dictionary script")
        names = list_of(a[0])
        if len(names) != 2:
            raise TclError("must have exactly two variable names")
        body = interp.compile_value(a[2]).fn
        try:
            items = list(dict_of(a[1]).items())
        except TclError as e:
            raise as_library_proc(e, "dict for", 176) from None
        for k, v in items:
            interp.set_var_f(F, S(names[0]), k)
            interp.set_var_f(F, S(names[1]), v)
            try:
                body(F)
            except TclBreak:
                break
            except TclContinue:
                continue
        return ""
    if sub == "with":
        if n < 2:
            raise wrong_args(argv, 2, "dictVar ?key ...? script")
        name = S(a[0])
        d = dict_of(_get_path(interp.get_var_f(F, name), a[1:-1]))
        for k, v in d.items():
            interp.set_var_f(F, k, v)
        r = interp.eval_in(F, a[-1])
        nd = {k: interp.get_var_f(F, k) for k in d if interp.var_exists_f(F, k)}
        whole = interp.get_var_f(F, name)
        interp.set_var_f(F, name, _set_path(whole, a[1:-1], TclDict(nd)) if n > 2 else TclDict(nd))
        return r
    if sub == "update":
        if n < 4 or n % 2 != 0:
            raise wrong_args(argv, 2, "varName ?arg ...? script")
        name = S(a[0])
        try:
            d = dict(dict_of(interp.get_var_f(F, name)))
        except TclError as e:
            raise as_library_proc(e, "dict update", 109) from None
        pairs = [(S(a[i]), S(a[i + 1])) for i in range(1, n - 1, 2)]
        for k, var in pairs:
            if k in d:
                interp.set_var_f(F, var, d[k])
            else:
                interp.unset_var_f(F, var, False)
        try:
            r = interp.eval_in(F, a[-1])
        except TclError as e:
            e.add_trace += 1
            e.error_proc = "dict update"
            raise
        for k, var in pairs:
            if interp.var_exists_f(F, var):
                d[k] = interp.get_var_f(F, var)
            else:
                d.pop(k, None)
        interp.set_var_f(F, name, TclDict(d))
        return r
    raise TclError(f"dict {sub}: not implemented")


ARRAY_SUBS = ["exists", "get", "names", "set", "size", "stat", "unset"]
# subcommand: (usage, most words after arrayName)
_ARRAY_USAGE = {"exists": ("arrayName", 0), "get": ("arrayName ?pattern?", 1),
                "names": ("arrayName ?pattern?", 1), "set": ("arrayName list", 1),
                "size": ("arrayName", 0), "stat": ("arrayName", 0),
                "unset": ("arrayName ?pattern?", 1)}


def cmd_array(F, argv):
    if len(argv) < 2:
        raise TclError('wrong # args: should be "array command ..."\n'
                       'Use "array -help ?command?" for help')
    sub = S(argv[1])
    if sub not in ARRAY_SUBS:
        raise subcmd_error("array", sub, ARRAY_SUBS)
    usage, most = _ARRAY_USAGE[sub]
    if len(argv) < 3 or len(argv) > 3 + most or (sub == "set" and len(argv) != 4):
        raise TclError(f'wrong # args: should be "array {sub} {usage}"')
    interp = F.interp
    name = S(argv[2])
    exists = interp.var_exists_f(F, name)
    if sub == "exists":
        if not exists:
            return 0
        try:
            dict_of(interp.get_var_f(F, name))
            return 1
        except TclError:
            return 0
    if sub in ("get", "names", "unset") and len(argv) > 4:
        raise TclError(f'wrong # args: should be "array {sub} arrayName ?pattern?"')
    if sub == "set":
        if len(argv) != 4:
            raise TclError('wrong # args: should be "array set arrayName list"')
        items = list_of(argv[3])
        if len(items) % 2:
            raise TclError("list must have an even number of elements")
        d = dict(dict_of(interp.get_var_f(F, name))) if exists else {}
        for i in range(0, len(items), 2):
            d[S(items[i])] = items[i + 1]
        interp.set_var_f(F, name, TclDict(d))
        return ""
    if not exists:
        if sub == "size":
            return 0
        return ""
    d = dict_of(interp.get_var_f(F, name))
    pat = S(argv[3]) if len(argv) > 3 else None
    if sub == "names":
        return TclList([k for k in d if pat is None or glob_match(pat, k)])
    if sub == "get":
        out = []
        for k, v in d.items():
            if pat is None or glob_match(pat, k):
                out.extend((k, v))
        return TclList(out)
    if sub == "size":
        return len(d)
    if sub == "unset":
        if pat is None:
            interp.unset_var_f(F, name, False)
            return ""
        nd = {k: v for k, v in d.items() if not glob_match(pat, k)}
        interp.set_var_f(F, name, TclDict(nd))
        return ""
    return f"{len(d)} entries in table, 16 buckets"


COMMANDS = {"dict": cmd_dict, "array": cmd_array}

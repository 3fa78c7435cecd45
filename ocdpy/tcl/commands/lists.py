"""List commands: list llength lindex lrange lsearch lsort linsert lreplace lassign ..."""

from __future__ import annotations

import re
import sys

from ocdpy.tcl.commands.util import get_enum, get_int_expr, glob_match, wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import (
    S,
    TclList,
    get_double,
    get_index,
    get_int,
    list_of,
)


def cmd_list(F, argv):
    return TclList(list(argv[1:]))


def cmd_llength(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "list")
    return len(list_of(argv[1]))


def _index(F, v, length):
    try:
        return get_index(v, length)
    except TclError:
        s = S(v)
        raise TclError(f'bad index "{s}": must be intexpr or end?[+-]intexpr?') from None


def cmd_lindex(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "list ?index ...?")
    v = argv[1]
    idxs = argv[2:]
    for ix in idxs:
        items = list_of(v)
        i = _index(F, ix, len(items))
        if i < 0 or i >= len(items):
            return ""
        v = items[i]
    return v


def cmd_lrange(F, argv):
    if len(argv) != 4:
        raise wrong_args(argv, 1, "list first last")
    items = list_of(argv[1])
    n = len(items)
    a = max(_index(F, argv[2], n), 0)
    b = min(_index(F, argv[3], n), n - 1)
    if a > b:
        return ""
    return TclList(items[a:b + 1])


def cmd_linsert(F, argv):
    if len(argv) < 3:
        raise wrong_args(argv, 1, "list index ?element ...?")
    items = list(list_of(argv[1]))
    n = len(items)
    i = _index(F, argv[2], n)
    if S(argv[2]).startswith("end"):
        i += 1
    i = max(0, min(i, n))
    items[i:i] = argv[3:]
    return TclList(items)


def cmd_lreplace(F, argv):
    if len(argv) < 4:
        raise wrong_args(argv, 1, "list first last ?element ...?")
    items = list(list_of(argv[1]))
    n = len(items)
    a = _index(F, argv[2], n)
    b = _index(F, argv[3], n)
    if a < 0:
        a = 0
    if a > n:
        a = n
    if b < a - 1:
        b = a - 1
    if b >= n:
        b = n - 1
    items[a:b + 1] = argv[4:]
    return TclList(items)


def cmd_lassign(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "varList list ?varName ...?")
    items = list_of(argv[1])
    interp = F.interp
    names = argv[2:]
    for k, name in enumerate(names):
        interp.set_var_f(F, S(name), items[k] if k < len(items) else "")
    return TclList(list(items[len(names):]))


def cmd_lrepeat(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "count ?value ...?")
    n = get_int_expr(F.interp, F, argv[1])
    if n < 0:
        raise wrong_args(argv, 1, "count ?value ...?")
    return TclList(list(argv[2:]) * n)


def cmd_lreverse(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "list")
    return TclList(list(reversed(list_of(argv[1]))))


def concat_values(args: list) -> str:
    out = []
    for a in args:
        s = S(a).strip(" \t\n\r\f\v")
        if s:
            out.append(s)
    return " ".join(out)


def cmd_concat(F, argv):
    return concat_values(argv[1:])


def cmd_join(F, argv):
    if len(argv) not in (2, 3):
        raise wrong_args(argv, 1, "list ?joinString?")
    sep = S(argv[2]) if len(argv) == 3 else " "
    return sep.join(S(x) for x in list_of(argv[1]))


def cmd_split(F, argv):
    if len(argv) not in (2, 3):
        raise wrong_args(argv, 1, "string ?splitChars?")
    s = S(argv[1])
    chars = S(argv[2]) if len(argv) == 3 else " \t\n\r"
    if not s:
        return ""
    if not chars:
        return TclList(list(s))
    out = []
    cur = 0
    for i, ch in enumerate(s):
        if ch in chars:
            out.append(s[cur:i])
            cur = i + 1
    out.append(s[cur:])
    return TclList(out)


def cmd_lappend(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "varName ?value value ...?")
    interp = F.interp
    name = S(argv[1])
    if "(" not in name and not name.startswith("::"):
        c = F.vars.get(name)
        if c is not None and c.__class__.__name__ == "Var":
            old = c.v
            if old.__class__ is TclList and sys.getrefcount(old) <= 3:
                old.items.extend(argv[2:])
                old.s = None
                return old
            new = TclList(list(list_of(old)) + list(argv[2:]))
            c.v = new
            return new
    if interp.var_exists_f(F, name):
        items = list(list_of(interp.get_var_f(F, name)))
    else:
        items = []
    items.extend(argv[2:])
    v = TclList(items)
    interp.set_var_f(F, name, v)
    return v


def _set_nested(v, idxs: list, value):
    if not idxs:
        return value
    items = list(list_of(v))
    i = get_index(idxs[0], len(items))
    if i < 0 or i >= len(items):
        if i == len(items) and False:
            pass
        raise TclError("list index out of range")
    items[i] = _set_nested(items[i], idxs[1:], value)
    return TclList(items)


def cmd_lset(F, argv):
    if len(argv) < 3:
        raise wrong_args(argv, 1, "listVar ?index ...? value")
    interp = F.interp
    name = S(argv[1])
    cur = interp.get_var_f(F, name)
    idxs = list(argv[2:-1])
    v = _set_nested(cur, idxs, argv[-1])
    interp.set_var_f(F, name, v)
    return v


_LSEARCH_USAGE = ("?-exact|-glob|-regexp|-command 'command'? ?-bool|-inline? ?-not? ?-nocase? "
                  "?-all? ?-stride len? ?-index val? list value")
_LSEARCH_OPTS = ["-all", "-bool", "-command", "-exact", "-glob", "-index", "-inline",
                 "-nocase", "-not", "-regexp", "-stride"]


def cmd_lsearch(F, argv):
    n = len(argv)
    if n < 3:
        raise wrong_args(argv, 1, _LSEARCH_USAGE)
    mode = "-exact"
    all_ = inline = nocase = negate = boolean = False
    index = None
    i = 1
    while i < n - 2:
        o = get_enum(argv[i], _LSEARCH_OPTS)
        if o in ("-exact", "-glob", "-regexp"):
            mode = o
        elif o == "-all":
            all_ = True
        elif o == "-inline":
            inline = True
        elif o == "-bool":
            boolean = True
        elif o == "-nocase":
            nocase = True
        elif o == "-not":
            negate = True
        elif o == "-index":
            i += 1
            index = argv[i]
        elif o == "-command":
            i += 1
            mode = ("-command", argv[i])
        i += 1
    items = list_of(argv[-2])
    pat = S(argv[-1])
    rx = None
    if mode == "-regexp":
        from ocdpy.tcl.commands.text import compile_re

        rx = compile_re(pat, nocase)
    hits = []
    for k, it in enumerate(items):
        s = S(it)
        if index is not None:
            s = S(cmd_lindex(F, ["lindex", it, index]))
        if mode == "-exact":
            m = (s.lower() == pat.lower()) if nocase else s == pat
        elif mode == "-glob":
            m = glob_match(pat, s, nocase)
        elif rx is not None:
            m = rx.search(s) is not None
        else:
            r = F.interp.invoke(F, [*list_of(mode[1]), pat, s], F.where)
            m = get_int(r) == 0 if False else bool(get_int(r))
        if negate:
            m = not m
        if m:
            if not all_:
                if boolean:
                    return 1
                return it if inline else k
            hits.append(it if inline else (1 if boolean else k))
        elif all_ and boolean:
            hits.append(0)
    if all_:
        return TclList(hits)
    if boolean:
        return 0
    return "" if inline else -1


_LSORT_OPTS = ["-ascii", "-command", "-decreasing", "-increasing", "-index", "-integer",
               "-nocase", "-real", "-stride", "-unique"]


def cmd_lsort(F, argv):
    n = len(argv)
    if n < 2:
        raise wrong_args(argv, 1, "?options? list")
    kind = "ascii"
    rev = False
    nocase = unique = False
    index = None
    command = None
    i = 1
    while i < n - 1:
        o = get_enum(argv[i], _LSORT_OPTS)
        if o == "-decreasing":
            rev = True
        elif o == "-increasing":
            rev = False
        elif o == "-integer":
            kind = "int"
        elif o == "-real":
            kind = "real"
        elif o == "-ascii":
            kind = "ascii"
        elif o == "-nocase":
            nocase = True
        elif o == "-unique":
            unique = True
        elif o == "-index":
            i += 1
            index = argv[i]
        elif o == "-command":
            i += 1
            command = argv[i]
            kind = "command"
        i += 1
    items = list(list_of(argv[-1]))

    def key_of(it):
        if index is not None:
            return cmd_lindex(F, ["lindex", it, index])
        return it

    if kind == "int":
        keyed = [(get_int(key_of(it)), it) for it in items]
    elif kind == "real":
        keyed = [(get_double(key_of(it)), it) for it in items]
    elif kind == "ascii":
        keyed = [((S(key_of(it)).lower() if nocase else S(key_of(it))), it) for it in items]
    else:
        keyed = [(key_of(it), it) for it in items]
    if kind == "command":
        interp = F.interp
        cmdwords = list_of(command)

        def cmp(a, b):
            r = interp.invoke(F, [*cmdwords, a[0], b[0]], F.where)
            return get_int(r)

        keyed = _merge_sort(keyed, (lambda a, b: -cmp(a, b)) if rev else cmp)
    else:
        keyed.sort(key=lambda t: t[0], reverse=rev)
    out = []
    last = object()
    for k, it in keyed:
        if unique and out and k == last:
            out[-1] = it
            continue
        out.append(it)
        last = k
    return TclList(out)


def _merge_sort(items: list, cmp) -> list:
    """A stable merge sort that calls cmp(left, right) in the order Jim's does."""
    if len(items) <= 1:
        return items
    mid = len(items) // 2
    a = _merge_sort(items[:mid], cmp)
    b = _merge_sort(items[mid:], cmp)
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        if cmp(a[i], b[j]) <= 0:
            out.append(a[i])
            i += 1
        else:
            out.append(b[j])
            j += 1
    out.extend(a[i:])
    out.extend(b[j:])
    return out


def cmd_range(F, argv):
    n = len(argv)
    if n not in (2, 3, 4):
        raise wrong_args(argv, 1, "?start? end ?step?")
    if n == 2:
        a, b, st = 0, get_int(argv[1]), 1
    else:
        a, b = get_int(argv[1]), get_int(argv[2])
        st = get_int(argv[3]) if n == 4 else 1
    if st == 0:
        raise TclError("Invalid (infinite?) range specified")
    return TclList(list(range(a, b, st)))


COMMANDS = {
    "list": cmd_list, "llength": cmd_llength, "lindex": cmd_lindex, "lrange": cmd_lrange,
    "linsert": cmd_linsert, "lreplace": cmd_lreplace, "lassign": cmd_lassign,
    "lrepeat": cmd_lrepeat, "lreverse": cmd_lreverse, "concat": cmd_concat,
    "join": cmd_join, "split": cmd_split, "lappend": cmd_lappend, "lset": cmd_lset,
    "lsearch": cmd_lsearch, "lsort": cmd_lsort, "range": cmd_range,
}

__all__ = ["COMMANDS", "re"]

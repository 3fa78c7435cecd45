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
    int_of,
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


def list_indices(v: object, idxs: list) -> object:
    """Follow a path of indexes into nested lists, with Jim_ListIndices' errors."""
    for ix in idxs:
        items = list_of(v)
        n = len(items)
        i = get_index(ix, n)
        if i < 0 or i >= n:
            literal = int_of(S(ix))
            if literal is None or literal < 0 or literal > n:
                raise TclError(f'index "{S(ix)}" out of range')
            raise TclError(f'element {S(ix)} missing from sublist "{S(v)}"')
        v = items[i]
    return v


def _stride_arg(argv: list, i: int, least: int) -> int:
    stride = get_int(argv[i])
    if stride < least:
        raise TclError(f"stride length must be at least {least}")
    return stride


def cmd_lsearch(F, argv):
    n = len(argv)
    if n < 3:
        raise wrong_args(argv, 1, _LSEARCH_USAGE)
    mode = "-exact"
    all_ = inline = nocase = negate = boolean = False
    index = None
    stride = 1
    i = 1
    while i < n - 2:
        o = get_enum(argv[i], _LSEARCH_OPTS, abbrev=False)
        if o in ("-exact", "-glob", "-regexp"):
            mode = o
        elif o == "-all":
            all_ = True
        elif o == "-inline":
            inline, boolean = True, False
        elif o == "-bool":
            boolean, inline = True, False
        elif o == "-nocase":
            nocase = True
        elif o == "-not":
            negate = True
        elif o in ("-index", "-command", "-stride"):
            if i >= n - 3:
                raise wrong_args(argv, 1, _LSEARCH_USAGE)
            i += 1
            if o == "-index":
                index = list_of(argv[i])
            elif o == "-command":
                mode = ("-command", argv[i])
            else:
                stride = _stride_arg(argv, i, 1)
        i += 1
    items = list_of(argv[-2])
    if len(items) % stride:
        raise TclError("list size must be a multiple of the stride length")
    pat = S(argv[-1])
    rx = None
    if mode == "-regexp":
        from ocdpy.tcl.commands.text import compile_re

        rx = compile_re(pat, nocase)
    hits: list = []
    for k in range(0, len(items), stride):
        if index is not None:
            group = items[k] if stride == 1 else TclList(items[k:k + stride])
            obj = list_indices(group, index)
        else:
            obj = items[k]
        s = S(obj)
        if mode == "-exact":
            m = (s.lower() == pat.lower()) if nocase else s == pat
        elif mode == "-glob":
            m = glob_match(pat, s, nocase)
        elif rx is not None:
            m = rx.search(s) is not None
        else:
            r = F.interp.invoke(F, [*list_of(mode[1]), pat, s], F.where)
            m = bool(get_int(r))
        if not ((not boolean and m != negate) or (boolean and (m or all_))):
            continue
        if boolean:
            found: object = int(m != negate)
        elif not inline:
            found = k
        elif stride == 1:
            found = obj  # with -index, Jim returns the element it compared
        elif all_:
            # Jim adds the whole group's elements for -all -inline -stride
            hits.extend(items[k:k + stride])
            continue
        else:
            found = TclList(items[k:k + stride])
        if not all_:
            return found
        if stride == 1:
            hits.append(found)
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
    stride = 1
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
            if i >= n - 2:
                raise TclError('"-index" option must be followed by list index')
            i += 1
            index = list_of(argv[i])
            if not index:
                raise TclError('"-index" option must be followed by list index')
        elif o == "-command":
            if i >= n - 2:
                raise TclError('"-command" option must be followed by comparison command')
            i += 1
            command = argv[i]
            kind = "command"
        elif o == "-stride":
            if i >= n - 2:
                raise wrong_args(argv, 1, "?options? list")
            i += 1
            stride = _stride_arg(argv, i, 2)
        i += 1
    items = list(list_of(argv[-1]))
    if stride > 1:
        if len(items) % stride:
            raise TclError("list size must be a multiple of the stride length")
        # Jim sorts the groups as sublists, then flattens them again
        items = [TclList(items[k:k + stride]) for k in range(0, len(items), stride)]

    def key_of(it):
        if index is not None:
            return list_indices(it, index)
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
    if stride > 1:
        return TclList([x for group in out for x in group.items])
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

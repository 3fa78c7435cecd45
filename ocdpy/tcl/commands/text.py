"""format, scan, regexp and regsub.

Regular expressions are Jim's (POSIX extended plus the common escapes); they are
translated to Python `re` patterns: POSIX bracket classes are expanded, the rest of the
syntax is shared.
"""

from __future__ import annotations

import re

from ocdpy.tcl.commands.util import wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import S, TclList, fmt_double, get_double, get_int, int_of, wrap

# ------------------------------------------------------------------ format

_SPEC = re.compile(r"%(?:(\d+)\$)?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(ll|l|h|L)?(.)?", re.S)


def tcl_format(fmt: str, args: list) -> str:
    out: list[str] = []
    i = 0
    argi = 0
    n = len(fmt)
    while i < n:
        k = fmt.find("%", i)
        if k < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:k])
        if k + 1 < n and fmt[k + 1] == "%":
            out.append("%")
            i = k + 2
            continue
        m = _SPEC.match(fmt, k)
        if m is None or m.group(6) is None:
            raise TclError("format string ended in middle of field specifier")
        pos, flags, width, prec, _size, conv = m.groups()
        i = m.end()

        def take(pos=pos):
            nonlocal argi
            if pos is not None:
                j = int(pos) - 1
                if j < 0 or j >= len(args):
                    raise TclError('"%n$" argument index out of range')
                return args[j]
            if argi >= len(args):
                raise TclError("not enough arguments for all format specifiers")
            argi += 1
            return args[argi - 1]

        if width == "*":
            width = str(get_int(take()))
            if width.startswith("-"):
                flags += "-"
                width = width[1:]
        if prec == "*":
            prec = str(get_int(take()))
        spec = "%" + flags + (width or "") + (("." + prec) if prec is not None else "")
        if conv in "di":
            v = _fmt_int(take())
            out.append((spec + "d") % v)
        elif conv == "u":
            v = _fmt_int(take()) & 0xFFFFFFFFFFFFFFFF
            out.append((spec + "d") % v)
        elif conv in "xX":
            v = _fmt_int(take()) & 0xFFFFFFFFFFFFFFFF
            out.append((spec + conv) % v)
        elif conv == "o":
            v = _fmt_int(take()) & 0xFFFFFFFFFFFFFFFF
            s = format(v, "o")
            if "#" in flags and s != "0":
                s = "0" + s
            out.append(_pad(s, flags.replace("#", ""), width))
        elif conv == "b":
            v = _fmt_int(take()) & 0xFFFFFFFFFFFFFFFF
            s = format(v, "b")
            out.append(_pad(s, flags, width))
        elif conv == "c":
            v = _fmt_int(take())
            out.append(_pad(chr(v & 0xFF), flags, width))
        elif conv == "s":
            s = S(take())
            if prec is not None:
                s = s[: int(prec)]
            out.append(_pad(s, flags, width))
        elif conv in "feEgG":
            d = get_double(take())
            if d != d or d in (float("inf"), float("-inf")):
                out.append(_pad(fmt_double(d), flags.replace("0", ""), width))
            else:
                out.append((spec + conv) % d)
        else:
            raise TclError(f'bad field specifier "{conv}"')
    return "".join(out)


def _fmt_int(v) -> int:
    c = v.__class__
    if c is int:
        return v
    s = S(v)
    r = int_of(s)
    if r is not None:
        return r

    raise TclError(f'expected integer but got "{s}"')


def _pad(s: str, flags: str, width: str | None) -> str:
    if not width:
        return s
    w = int(width)
    if "-" in flags:
        return s.ljust(w)
    if "0" in flags:
        return s.rjust(w, "0")
    return s.rjust(w)


def cmd_format(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "formatString ?arg arg ...?")
    return tcl_format(S(argv[1]), list(argv[2:]))


# ------------------------------------------------------------------ scan

def _scan(s: str, fmt: str) -> list | None:
    """Return the converted values (None entries for conversions never reached)."""
    vals: list = []
    i = 0
    j = 0
    n = len(fmt)
    ok = True
    while j < n:
        c = fmt[j]
        if c.isspace():
            while i < len(s) and s[i].isspace():
                i += 1
            j += 1
            continue
        if c != "%":
            if not ok or i >= len(s) or s[i] != c:
                ok = False
                break
            i += 1
            j += 1
            continue
        m = re.compile(r"%(\*)?(\d+)?(l|h|L)?([diouxXcsfeEgG\[]|%)").match(fmt, j)
        if m is None:
            raise TclError("bad scan conversion character")
        skip, width, _sz, conv = m.groups()
        j = m.end()
        if conv == "%":
            if i < len(s) and s[i] == "%":
                i += 1
                continue
            ok = False
            break
        charset = None
        if conv == "[":
            k = j
            if k < n and fmt[k] == "^":
                k += 1
            if k < n and fmt[k] == "]":
                k += 1
            k = fmt.find("]", k)
            if k < 0:
                raise TclError("unmatched [ in format string")
            charset = fmt[j:k]
            j = k + 1
        if not ok:
            if not skip:
                vals.append(None)
            continue
        if conv not in "c[":
            while i < len(s) and s[i].isspace():
                i += 1
        if i >= len(s):
            ok = False
            if not skip:
                vals.append(None)
            continue
        w = int(width) if width else None
        end = len(s) if w is None else min(len(s), i + w)
        seg = s[i:end]
        val = None
        if conv == "c":
            val = ord(s[i])
            i += 1
        elif conv == "s":
            k = 0
            while k < len(seg) and not seg[k].isspace():
                k += 1
            val = seg[:k]
            i += k
        elif conv == "[":
            neg = charset.startswith("^")  # type: ignore[union-attr]
            body = charset[1:] if neg else charset  # type: ignore[index]
            rx = re.compile("[" + ("^" if neg else "") + re.escape(body).replace("\\-", "-") + "]*")
            mm = rx.match(seg)
            val = mm.group(0) if mm else ""
            if not val:
                ok = False
                vals.append(None) if not skip else None
                continue
            i += len(val)
        elif conv in "dioxXu":
            pats = {"d": r"[-+]?[0-9]+", "u": r"[-+]?[0-9]+", "o": r"[-+]?[0-7]+",
                    "x": r"[-+]?(?:0[xX])?[0-9a-fA-F]+", "X": r"[-+]?(?:0[xX])?[0-9a-fA-F]+",
                    "i": r"[-+]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)"}
            mm = re.match(pats[conv], seg)
            if not mm:
                ok = False
                if not skip:
                    vals.append(None)
                continue
            t = mm.group(0)
            base = {"d": 10, "u": 10, "o": 8, "x": 16, "X": 16}.get(conv, 0)
            if base == 0:
                tt = t.lstrip("+-")
                base = 16 if tt[:2].lower() == "0x" else (8 if tt.startswith("0") and len(tt) > 1 else 10)
            val = wrap(int(t, base)) if base != 16 else wrap(int(t.replace("0x", "").replace("0X", ""), 16))
            i += len(t)
        else:
            mm = re.match(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", seg)
            if not mm:
                ok = False
                if not skip:
                    vals.append(None)
                continue
            val = float(mm.group(0))
            i += len(mm.group(0))
        if not skip:
            vals.append(val)
    if not ok and all(v is None for v in vals) and i >= len(s):
        return None
    return vals


def cmd_scan(F, argv):
    if len(argv) < 3:
        raise wrong_args(argv, 1, "string format ?varName varName ...?")
    vals = _scan(S(argv[1]), S(argv[2]))
    names = argv[3:]
    if not names:
        if vals is None:
            return -1
        return TclList(["" if v is None else v for v in vals])
    if vals is None:
        return -1
    if len(names) != len(vals):
        raise TclError("different numbers of variable names and field specifiers")
    count = 0
    for name, v in zip(names, vals, strict=False):
        if v is not None:
            F.interp.set_var_f(F, S(name), v)
            count += 1
    return count


# ------------------------------------------------------------------ regexp

_CLASSES = {
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": " \\t\\n\\r\\f\\v", "xdigit": "0-9a-fA-F", "punct": "!-/:-@\\[-`{-~",
    "print": " -~", "graph": "!-~", "cntrl": "\\x00-\\x1f\\x7f", "blank": " \\t",
    "word": "a-zA-Z0-9_",
}
_re_cache: dict = {}


def _translate(p: str) -> str:
    out = []
    i = 0
    n = len(p)
    while i < n:
        c = p[i]
        if c == "\\" and i + 1 < n:
            d = p[i + 1]
            if d in "mMyY":
                out.append(d)  # Jim's regexp has no word-boundary escapes
            else:
                out.append(c + d)
            i += 2
            continue
        if c == "[":
            j = i + 1
            buf = ["["]
            if j < n and p[j] == "^":
                buf.append("^")
                j += 1
            if j < n and p[j] == "]":
                buf.append("\\]")
                j += 1
            while j < n and p[j] != "]":
                if p.startswith("[:", j):
                    k = p.find(":]", j + 2)
                    if k > 0:
                        buf.append(_CLASSES.get(p[j + 2:k], ""))
                        j = k + 2
                        continue
                ch = p[j]
                if ch == "[":
                    buf.append("\\[")
                elif ch == "\\" and j + 1 < n:
                    buf.append(p[j:j + 2])
                    j += 1
                else:
                    buf.append(ch)
                j += 1
            buf.append("]")
            out.append("".join(buf))
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def compile_re(pat: str, nocase: bool, line: bool = False):
    key = (pat, nocase, line)
    r = _re_cache.get(key)
    if r is None:
        flags = (re.I if nocase else 0) | (re.M if line else 0) | re.S * (not line)
        try:
            r = re.compile(_translate(pat), flags)
        except (re.error, RecursionError, OverflowError) as ex:
            raise TclError(f"couldn't compile regular expression pattern: {ex}") from None
        if len(_re_cache) > 500:
            _re_cache.clear()
        _re_cache[key] = r
    return r


_REGEXP_USAGE = "?-switch ...? exp string ?matchVar? ?subMatchVar ...?"
_REGEXP_OPTS = ["-all", "-expanded", "-indices", "-inline", "-line", "-nocase", "-start"]


def cmd_regexp(F, argv):
    n = len(argv)
    i = 1
    nocase = all_ = inline = indices = line = False
    start = 0
    while i < n:
        a = S(argv[i])
        if not a.startswith("-"):
            break
        if a == "--":
            i += 1
            break
        if a == "-nocase":
            nocase = True
        elif a == "-all":
            all_ = True
        elif a == "-inline":
            inline = True
        elif a == "-indices":
            indices = True
        elif a == "-line":
            line = True
        elif a == "-start" and i + 1 < n:
            i += 1
            start = get_int(argv[i])
        else:
            raise TclError(f'bad switch "{a}": must be --, -all, -indices, -inline, -line, -nocase, or -start')
        i += 1
    if n - i < 2:
        raise wrong_args(argv, 1, _REGEXP_USAGE)
    rx = compile_re(S(argv[i]), nocase, line)
    s = S(argv[i + 1])
    vars_ = argv[i + 2:]
    if inline and vars_:
        raise TclError("regexp match variables not allowed when using -inline")
    matches = []
    pos = max(start, 0)
    while pos <= len(s):
        m = rx.search(s, pos)
        if m is None:
            break
        matches.append(m)
        if not all_:
            break
        pos = m.end() + (1 if m.end() == m.start() else 0)

    def groups(m):
        out = []
        for g in range(0, rx.groups + 1):
            if indices:
                a, b = m.span(g)
                out.append(TclList([a, b - 1]) if a >= 0 else TclList([-1, -1]))
            else:
                v = m.group(g)
                out.append(v if v is not None else "")
        return out

    if inline:
        items: list = []
        for m in matches:
            items.extend(groups(m))
        return TclList(items)
    if not all_ or vars_:
        if matches and vars_:
            gs = groups(matches[-1])
            for k, name in enumerate(vars_):
                F.interp.set_var_f(F, S(name), gs[k] if k < len(gs) else "")
        elif vars_:
            for name in vars_:
                F.interp.set_var_f(F, S(name), TclList([-1, -1]) if indices else "")
    return len(matches) if all_ else int(bool(matches))


def _subspec(spec: str):
    parts: list = []
    i = 0
    buf = []
    while i < len(spec):
        c = spec[i]
        if c == "&":
            parts.append("".join(buf))
            buf = []
            parts.append(0)
        elif c == "\\" and i + 1 < len(spec) and spec[i + 1].isdigit():
            parts.append("".join(buf))
            buf = []
            parts.append(int(spec[i + 1]))
            i += 1
        elif c == "\\" and i + 1 < len(spec) and spec[i + 1] in "&\\":
            buf.append(spec[i + 1])
            i += 1
        else:
            buf.append(c)
        i += 1
    parts.append("".join(buf))

    def repl(m):
        out = []
        for p in parts:
            if isinstance(p, int):
                try:
                    out.append(m.group(p) or "")
                except IndexError:
                    pass
            else:
                out.append(p)
        return "".join(out)

    return repl


def cmd_regsub(F, argv):
    n = len(argv)
    i = 1
    nocase = all_ = line = False
    start = 0
    while i < n:
        a = S(argv[i])
        if not a.startswith("-"):
            break
        if a == "--":
            i += 1
            break
        if a == "-nocase":
            nocase = True
        elif a == "-all":
            all_ = True
        elif a == "-line":
            line = True
        elif a == "-start" and i + 1 < n:
            i += 1
            start = get_int(argv[i])
        else:
            raise TclError(f'bad switch "{a}": must be --, -all, -line, -nocase, or -start')
        i += 1
    if n - i not in (3, 4):
        raise wrong_args(argv, 1, "?-switch ...? exp string subSpec ?varName?")
    rx = compile_re(S(argv[i]), nocase, line)
    s = S(argv[i + 1])
    repl = _subspec(S(argv[i + 2]))
    head, tail = s[:start], s[start:]
    count = 0

    def counting(m):
        nonlocal count
        count += 1
        return repl(m)

    out = []
    pos = 0
    while pos < len(tail) or (pos == 0 and not tail):
        m = rx.search(tail, pos)
        if m is None:
            break
        out.append(tail[pos:m.start()])
        out.append(counting(m))
        if m.end() == m.start():
            if m.end() < len(tail):
                out.append(tail[m.end()])
            pos = m.end() + 1
        else:
            pos = m.end()
        if not all_:
            break
    out.append(tail[pos:])
    result = head + "".join(out)
    if n - i == 4:
        F.interp.set_var_f(F, S(argv[i + 3]), result)
        return count
    return result


COMMANDS = {"format": cmd_format, "scan": cmd_scan, "regexp": cmd_regexp, "regsub": cmd_regsub}

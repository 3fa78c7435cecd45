"""format, scan, regexp and regsub.

Regular expressions are Jim's (POSIX extended plus the common escapes); they are
translated to Python `re` patterns: POSIX bracket classes are expanded, the rest of the
syntax is shared.
"""

from __future__ import annotations

import re

from ocdpy.tcl.commands.util import get_enum, wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import S, TclList, fmt_double, get_double, get_int, int_of

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
        pos, flags, width, prec, _size, conv = m.groups()  # type: ignore[union-attr]
        i = m.end()  # type: ignore[union-attr]

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

        if conv is None:
            # Jim fetches the argument before it notices the missing conversion
            take()
            raise TclError("format string ended in middle of field specifier")
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


# ------------------------------------------------------------------ regexp

_re_cache: dict = {}


def compile_re(pat: str, nocase: bool, line: bool = False):
    """Compile a Jim regexp (cached); errors use Jim's wording."""
    key = (pat, nocase, line)
    r = _re_cache.get(key)
    if r is None:
        from ocdpy.tcl.jimre import JimRegexError, translate

        try:
            py = translate(pat, line)
        except JimRegexError as ex:
            raise TclError(f"couldn't compile regular expression pattern: {ex.args[0]}") from None
        try:
            r = re.compile(py, (re.I if nocase else 0) | re.A)
        except (re.error, RecursionError, OverflowError, MemoryError) as ex:
            raise TclError(f"couldn't compile regular expression pattern: {ex}") from None
        if len(_re_cache) > 500:
            _re_cache.clear()
        _re_cache[key] = r
    return r


_REGEXP_USAGE = "?-switch ...? exp string ?matchVar? ?subMatchVar ...?"
_REGEXP_OPTS = ["--", "-all", "-indices", "-inline", "-line", "-nocase", "-start"]


def cmd_regexp(F, argv):
    n = len(argv)
    if n < 3:
        raise wrong_args(argv, 1, _REGEXP_USAGE)
    i = 1
    nocase = all_ = inline = indices = line = False
    start_arg = None
    while i < n:
        if not S(argv[i]).startswith("-"):
            break
        a = get_enum(argv[i], _REGEXP_OPTS, "switch")
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
        else:
            i += 1
            if i == n:
                raise wrong_args(argv, 1, _REGEXP_USAGE)
            start_arg = argv[i]
        i += 1
    if n - i < 2:
        raise wrong_args(argv, 1, _REGEXP_USAGE)
    pattern = S(argv[i])
    rx = compile_re(pattern, nocase, line)
    s = S(argv[i + 1])
    vars_ = argv[i + 2:]
    if inline and vars_:
        raise TclError("regexp match variables not allowed when using -inline")
    n = len(s)
    pos = _start_offset(start_arg, n) if start_arg is not None else 0
    matches = []
    while True:
        m = rx.search(s, pos)
        if m is None:
            break
        matches.append(m)
        # Jim stops -all after one match of a ^-anchored pattern (without -line)
        if not all_ or (pattern.startswith("^") and not line) or pos >= n:
            break
        pos = m.end() if m.end() != pos else pos + 1
        if pos >= n:
            break

    def groups(m):
        out = []
        for g in range(0, (rx.groups + 1) if inline else len(vars_)):
            if g > rx.groups:
                out.append(TclList([-1, -1]) if indices else "")
            elif indices:
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
    if all_:
        return len(matches)  # Jim only counts; match variables are left alone
    if matches:
        for name, v in zip(vars_, groups(matches[0]), strict=False):
            F.interp.set_var_f(F, S(name), v)
        return 1
    return 0


def _start_offset(v: object, n: int) -> int:
    """Jim's -start index: negative and end-relative count from the end."""
    s = S(v)
    off = int_of(s)
    if off is None:
        from ocdpy.tcl.values import get_index

        off = get_index(v, n + 1)
    elif off < 0:
        off += n + 1
    return min(max(off, 0), n)


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


COMMANDS = {"format": cmd_format, "regexp": cmd_regexp, "regsub": cmd_regsub}

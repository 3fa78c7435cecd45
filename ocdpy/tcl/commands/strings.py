"""The `string` command and its subcommands, with Jim's options and messages."""

from __future__ import annotations

from ocdpy.tcl.commands.util import get_enum, get_int_expr, glob_match, wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import S, bool_of, float_of, get_index, get_int, int_of, list_of

SUBCOMMANDS = ["bytelength", "byterange", "cat", "compare", "equal", "first", "index", "is",
               "last", "length", "map", "match", "range", "repeat", "replace", "reverse",
               "tolower", "totitle", "toupper", "trim", "trimleft", "trimright"]
CLASSES = ["alnum", "alpha", "ascii", "boolean", "control", "digit", "double", "graph",
           "integer", "lower", "print", "punct", "space", "upper", "xdigit"]
_WS = " \t\n\r\f\v\0"


def _idx(v, n):
    return get_index(v, n)


def _compare(argv, equal: bool):
    usage = "?-nocase? ?-length int? string1 string2"
    args = argv[2:]
    nocase = False
    length = -1
    i = 0
    while len(args) - i > 2:
        o = S(args[i])
        if o == "-nocase":
            nocase = True
            i += 1
        elif o == "-length" and len(args) - i > 3:
            length = get_int(args[i + 1])
            i += 2
        else:
            raise wrong_args(argv, 2, usage)
    if len(args) - i != 2:
        raise wrong_args(argv, 2, usage)
    a, b = S(args[i]), S(args[i + 1])
    if nocase:
        a, b = a.lower(), b.lower()
    if length >= 0:
        a, b = a[:length], b[:length]
    if equal:
        return int(a == b)
    return (a > b) - (a < b)


def _is_class(cls: str, s: str, strict: bool) -> int:
    if not s:
        return 0 if strict else 1
    if cls == "integer":
        return int(int_of(s) is not None)
    if cls == "double":
        return int(int_of(s) is not None or float_of(s) is not None)
    if cls == "boolean":
        return int(bool_of(s) is not None and (s in ("0", "1") or not s[0].isdigit()) and
                   s in ("0", "1", "true", "false", "yes", "no", "on", "off"))
    test = {
        "alnum": lambda c: c.isascii() and c.isalnum(),
        "alpha": lambda c: c.isascii() and c.isalpha(),
        "ascii": lambda c: ord(c) < 128,
        "control": lambda c: ord(c) < 32 or ord(c) == 127,
        "digit": lambda c: "0" <= c <= "9",
        "graph": lambda c: 33 <= ord(c) <= 126,
        "lower": lambda c: "a" <= c <= "z",
        "print": lambda c: 32 <= ord(c) <= 126,
        "punct": lambda c: 33 <= ord(c) <= 126 and not c.isalnum(),
        "space": lambda c: c in " \t\n\r\f\v",
        "upper": lambda c: "A" <= c <= "Z",
        "xdigit": lambda c: c in "0123456789abcdefABCDEF",
    }[cls]
    return int(all(test(c) for c in s))


def _trim(s: str, chars: str, left: bool, right: bool) -> str:
    if left:
        s = s.lstrip(chars)
    if right:
        s = s.rstrip(chars)
    return s


def cmd_string(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "option ?arguments ...?")
    sub = get_enum(argv[1], SUBCOMMANDS, "option")
    n = len(argv)
    a = argv[2:]
    if sub in ("length", "bytelength"):
        if n != 3:
            raise wrong_args(argv, 2, "string")
        return len(S(a[0]))
    if sub in ("compare", "equal"):
        return _compare(argv, sub == "equal")
    if sub == "match":
        if n == 5 and S(a[0]) == "-nocase":
            return int(glob_match(S(a[1]), S(a[2]), True))
        if n != 4:
            raise wrong_args(argv, 2, "?-nocase? pattern string")
        return int(glob_match(S(a[0]), S(a[1])))
    if sub == "map":
        nocase = False
        if n == 5 and S(a[0]) == "-nocase":
            nocase = True
            a = a[1:]
        elif n != 4:
            raise wrong_args(argv, 2, "?-nocase? mapList string")
        m = list_of(a[0])
        if len(m) % 2:
            raise TclError("list must contain an even number of elements")
        pairs = [(S(m[k]), S(m[k + 1])) for k in range(0, len(m), 2)]
        s = S(a[1])
        out = []
        i = 0
        ls = s.lower() if nocase else s
        while i < len(s):
            for k, v in pairs:
                if k and ls.startswith(k.lower() if nocase else k, i):
                    out.append(v)
                    i += len(k)
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)
    if sub in ("range", "byterange"):
        if n != 5:
            raise wrong_args(argv, 2, "string first last")
        s = S(a[0])
        ln = len(s)
        f = max(_idx(a[1], ln), 0)
        t = min(_idx(a[2], ln), ln - 1)
        return s[f:t + 1] if f <= t else ""
    if sub == "replace":
        if n not in (5, 6):
            raise wrong_args(argv, 2, "string first last ?string?")
        s = S(a[0])
        ln = len(s)
        f = _idx(a[1], ln)
        t = _idx(a[2], ln)
        if f > t or t < 0 or f >= ln:
            return s
        f = max(f, 0)
        t = min(t, ln - 1)
        return s[:f] + (S(a[3]) if n == 6 else "") + s[t + 1:]
    if sub == "repeat":
        if n != 4:
            raise wrong_args(argv, 2, "string count")
        cnt = get_int_expr(F.interp, F, a[1])
        return S(a[0]) * max(cnt, 0)
    if sub in ("tolower", "toupper", "totitle", "reverse"):
        if n != 3:
            raise wrong_args(argv, 2, "string")
        s = S(a[0])
        if sub == "tolower":
            return _ascii_lower(s)
        if sub == "toupper":
            return _ascii_upper(s)
        if sub == "totitle":
            return _ascii_upper(s[:1]) + _ascii_lower(s[1:])
        return s[::-1]
    if sub == "index":
        if n != 4:
            raise wrong_args(argv, 2, "string index")
        s = S(a[0])
        i = _idx(a[1], len(s))
        return s[i] if 0 <= i < len(s) else ""
    if sub in ("first", "last"):
        if n not in (4, 5):
            raise wrong_args(argv, 2, "subString string ?index?")
        needle, hay = S(a[0]), S(a[1])
        if sub == "first":
            start = max(_idx(a[2], len(hay)), 0) if n == 5 else 0
            return hay.find(needle, start) if needle else -1
        if not needle:
            return -1
        if n == 5:
            end = _idx(a[2], len(hay))
            return hay.rfind(needle, 0, max(end, 0)) if end >= 0 else -1
        return hay.rfind(needle)
    if sub in ("trim", "trimleft", "trimright"):
        if n not in (3, 4):
            raise wrong_args(argv, 2, "string ?trimchars?")
        chars = S(a[1]) if n == 4 else _WS
        return _trim(S(a[0]), chars, sub != "trimright", sub != "trimleft")
    if sub == "cat":
        return "".join(S(x) for x in a)
    if sub == "is":
        if n not in (4, 5):
            raise wrong_args(argv, 2, "class ?-strict? str")
        cls_arg = S(a[0])
        if cls_arg not in CLASSES:
            matches = [c for c in CLASSES if c.startswith(cls_arg)] if cls_arg else []
            if len(matches) != 1:
                raise TclError(f'bad class "{cls_arg}": must be ' + ", ".join(CLASSES[:-1])
                               + ", or " + CLASSES[-1])
            cls_arg = matches[0]
        strict = False
        if n == 5:
            if S(a[1]) != "-strict":
                raise TclError(f'bad option "{S(a[1])}": must be -strict')
            strict = True
        return _is_class(cls_arg, S(a[-1]), strict)
    raise TclError(f"string {sub}: not implemented")


def _ascii_lower(s: str) -> str:
    return s.translate(_LOWER)


def _ascii_upper(s: str) -> str:
    return s.translate(_UPPER)


_LOWER = {c: c + 32 for c in range(65, 91)}
_UPPER = {c: c - 32 for c in range(97, 123)}

COMMANDS = {"string": cmd_string}

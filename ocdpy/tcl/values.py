"""Tcl values: strings with cached parsed forms (integers, doubles, lists, dicts).

A Tcl value is any of `str`, `int`, `float`, `TclList` or `TclDict`. Strings are byte
strings in the latin-1 model (one char per byte), as in a Jim built without UTF-8
(Debian's jimsh and OpenOCD's embedded Jim). Integers are Python ints kept inside the
64-bit range by `wrap`. Lists and dicts carry their string form once it is asked for.
Parsed forms of plain strings are cached by string (`list_of`, `int_of`).
"""

from __future__ import annotations

import re

from ocdpy.tcl.errors import TclError

INT_MIN = -(1 << 63)
INT_MAX = (1 << 63) - 1
_MASK = (1 << 64) - 1


def wrap(v: int) -> int:
    """Wrap an integer into Jim's 64-bit two's complement range."""
    if INT_MIN <= v <= INT_MAX:
        return v
    v &= _MASK
    return v - (1 << 64) if v > INT_MAX else v


# What a SrcStr has become, as a Jim object changes its internal type when used:
SOURCE = 0  # still the string as written: its position is kept by substitution
SCRIPT = 1  # used as a script: that script keeps the position
LIST = 2    # used as a list: its elements keep their positions
PLAIN = 3   # used as a script after being a list, or the reverse: position gone


class SrcStr(str):
    """A string that came from a literal word of a script: it remembers where.

    `eval`, `proc`, `if`... compile such a string with its file and line, so errors in
    it report the right place, as Jim's source-info objects do. `rep` follows what
    Jim's object would have become (SOURCE, SCRIPT, LIST, PLAIN): Jim keeps a position
    only while the object is still a source string, or inside the script or list it
    turned into, so a value used as a list then evaluated has no position there.
    """

    __slots__ = ("file", "line", "rep")

    def __new__(cls, text: str, file: str, line: int) -> SrcStr:
        s = str.__new__(cls, text)
        s.file = file
        s.line = line
        s.rep = SOURCE
        return s


class TclList:
    """A list value: `items` are Tcl values; `s` caches the string form."""

    __slots__ = ("items", "s")

    def __init__(self, items: list, s: str | None = None) -> None:
        self.items = items
        self.s = s

    def __str__(self) -> str:
        s = self.s
        if s is None:
            s = self.s = format_list(self.items)
        return s

    def __repr__(self) -> str:
        return f"TclList({self.items!r})"


class TclDict:
    """A dict (and array) value: insertion-ordered keys (strings) to Tcl values."""

    __slots__ = ("d", "s")

    def __init__(self, d: dict, s: str | None = None) -> None:
        self.d = d
        self.s = s

    def __str__(self) -> str:
        s = self.s
        if s is None:
            items: list = []
            for k, v in self.d.items():
                items.append(k)
                items.append(v)
            s = self.s = format_list(items)
        return s

    def __repr__(self) -> str:
        return f"TclDict({self.d!r})"


def fmt_double(v: float) -> str:
    if v != v:
        return "NaN"
    if v in (_INF, _NINF):
        return "Inf" if v > 0 else "-Inf"
    s = format(v, ".12g")
    if "." in s or "e" in s:
        return s
    return s + ".0"


_INF = float("inf")
_NINF = float("-inf")


def S(v: object) -> str:
    """The string form of any Tcl value."""
    c = v.__class__
    if c is str:
        return v  # type: ignore[return-value]
    if c is int:
        return str(v)
    if c is float:
        return fmt_double(v)  # type: ignore[arg-type]
    return str(v)


# ---------------------------------------------------------------- numbers

_WS = " \t\n\r\f\v"
_INT_RE = re.compile(r"[ \t\n\r\f\v]*([-+]?)(0[xXoObBdD](?![-+ \t\n\r\f\v]))?([0-9a-zA-Z]*)[ \t\n\r\f\v]*\Z")
_BASES = {"x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2, "d": 10, "D": 10}
_DIGITS = {16: "0123456789abcdefABCDEF", 8: "01234567", 2: "01", 10: "0123456789"}
_int_cache: dict[str, int | None] = {}


def _parse_int(s: str) -> int | None:
    m = _INT_RE.match(s)
    if m is None:
        return None
    sign, prefix, digits = m.group(1), m.group(2), m.group(3)
    base = _BASES[prefix[1]] if prefix else 10
    if not digits:
        return None
    ok = _DIGITS[base]
    for ch in digits:
        if ch not in ok:
            return None
    v = int(digits, base)
    if v > _MASK:
        v = _MASK  # strtoull saturates
        sign = ""
    if sign == "-":
        v = -v
    return wrap(v)


def int_of(s: str) -> int | None:
    """Parse `s` as a Jim integer (whitespace, sign, 0x/0o/0b/0d, decimal); None if not."""
    try:
        return _int_cache[s]
    except KeyError:
        pass
    v = _parse_int(s)
    if len(_int_cache) > 20000:
        _int_cache.clear()
    _int_cache[s] = v
    return v


_FLOAT_RE = re.compile(
    r"[ \t\n\r\f\v]*[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf(?:inity)?|nan"
    r"|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][-+]?[0-9]+)?)[ \t\n\r\f\v]*\Z",
    re.I,
)


def float_of(s: str) -> float | None:
    """Parse `s` as strtod would (the whole string, spaces allowed around); None if not."""
    if _FLOAT_RE.match(s) is None:
        return None
    t = s.strip(_WS)
    try:
        if "x" in t or "X" in t:
            neg = t.startswith("-")
            body = t.lstrip("+-")
            v = float.fromhex(body)
            return -v if neg else v
        return float(t)
    except (ValueError, OverflowError):
        return None


def get_int(v: object) -> int:
    c = v.__class__
    if c is int:
        return v  # type: ignore[return-value]
    s = S(v)
    r = int_of(s)
    if r is None:
        raise TclError(f'expected integer but got "{s}"')
    return r


def get_wide_from_double_ok(v: object) -> int:
    """Like `get_int` (Jim_GetWide accepts only integer strings)."""
    return get_int(v)


def num_of(v: object) -> int | float | None:
    """An int or float for `v`, following Jim's order (integer first); None if neither."""
    c = v.__class__
    if c is int or c is float:
        return v  # type: ignore[return-value]
    s = S(v)
    r = int_of(s)
    if r is not None:
        return r
    return float_of(s)


def double_of(v: object) -> float | None:
    """`v` as a double (an integer string converted), None if it is neither."""
    c = v.__class__
    if c is float:
        return v  # type: ignore[return-value]
    if c is int:
        return float(v)  # type: ignore[arg-type]
    s = S(v)
    r = int_of(s)
    if r is not None:
        return float(r)
    return float_of(s)


def get_double(v: object) -> float:
    f = double_of(v)
    if f is None:
        raise TclError(f'expected floating-point number but got "{S(v)}"')
    return f


def get_num(v: object) -> int | float:
    r = num_of(v)
    if r is None:
        raise TclError(f'expected floating-point number but got "{S(v)}"')
    return r


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def bool_of(v: object) -> bool | None:
    c = v.__class__
    if c is int:
        return v != 0
    if c is float:
        return v != 0.0
    s = S(v)
    r = num_of(s)
    if r is not None:
        return r != 0
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    return None


def get_bool(v: object) -> bool:
    r = bool_of(v)
    if r is None:
        raise TclError(f'expected boolean but got "{S(v)}"')
    return r


def get_index(v: object, length: int) -> int:
    """Resolve a Jim list/string index (`end`, `end-N`, `N+M`, `N-M`); may be out of range."""
    if v.__class__ is int:
        return v  # type: ignore[return-value]
    s = S(v)
    r = _index_of(s, length)
    if r is None:
        raise TclError(f'bad index "{s}": must be intexpr or end?[+-]intexpr?')
    return r


_IDX_RE = re.compile(r"\s*(end)?\s*(?:([-+]?\s*[0-9a-fA-FxXoObB]+)\s*(?:([-+])\s*([0-9a-fA-FxXoObB]+))?)?\s*\Z")


def _index_of(s: str, length: int) -> int | None:
    v = int_of(s)
    if v is not None:
        return v
    st = s.strip()
    total = 0
    rest = st
    if st.startswith("end"):
        total = length - 1
        rest = st[3:]
        if not rest:
            return total
        if rest[0] not in "+-":
            return None
    elif not rest:
        return None
    terms = re.findall(r"([-+]?)([0-9a-fA-FxXoObB]+)", rest)
    if "".join(a + b for a, b in terms) != rest.replace(" ", ""):
        return None
    for k, (sign, num) in enumerate(terms):
        if k > 0 and not sign:
            return None
        v = int_of(num)
        if v is None:
            return None
        total += -v if sign == "-" else v
    return total


# ---------------------------------------------------------------- escapes

_ESC_RE = re.compile(
    r"\\(?:([abfnrtv])|x([0-9a-fA-F]{1,2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{1,4})"
    r"|U([0-9a-fA-F]{1,8})|([0-7]{1,3})|\n[ \t]*|(.)|\Z)",
    re.S,
)
_SIMPLE_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def utf8_chars(cp: int) -> str:
    """The UTF-8 bytes of code point `cp`, one latin-1 char per byte (Jim's \\u)."""
    if cp < 0x80:
        return chr(cp)
    if cp < 0x800:
        return chr(0xC0 | (cp >> 6)) + chr(0x80 | (cp & 0x3F))
    if cp < 0x10000:
        return chr(0xE0 | (cp >> 12)) + chr(0x80 | ((cp >> 6) & 0x3F)) + chr(0x80 | (cp & 0x3F))
    if cp < 0x200000:
        return (chr(0xF0 | (cp >> 18)) + chr(0x80 | ((cp >> 12) & 0x3F))
                + chr(0x80 | ((cp >> 6) & 0x3F)) + chr(0x80 | (cp & 0x3F)))
    return ""


def _esc(m: re.Match) -> str:
    g = m.lastindex
    if g is None:
        t = m.group(0)
        return " " if t.startswith("\\\n") else "\\"
    v = m.group(g)
    if g == 1:
        return _SIMPLE_ESC[v]
    if g == 2:
        return chr(int(v, 16))
    if g in (3, 4, 5):
        cp = int(v, 16)
        r = utf8_chars(cp)
        if g == 3 and cp > 0x1FFFFF:
            return "u" + m.group(0)[2:]
        return r
    if g == 6:
        return chr(int(v, 8) & 0xFF)
    return v


def unescape(s: str) -> str:
    """Apply Jim's backslash substitution to `s`."""
    if "\\" not in s:
        return s
    return _ESC_RE.sub(_esc, s)


# ---------------------------------------------------------------- lists

_list_cache: dict[str, list] = {}
_SPACE = " \t\n\r\f\v"


def parse_list(s: str, starts: list | None = None) -> list:
    """Split a string into list elements the way Jim does (never fails).

    If `starts` is given, the offset where each element starts is appended to it.
    """
    out: list = []
    i = 0
    n = len(s)
    while True:
        while i < n and s[i] in _SPACE:
            i += 1
        if i >= n:
            return out
        c = s[i]
        if starts is not None:
            starts.append(i)
        if c == "{":
            level = 1
            j = i + 1
            while j < n:
                ch = s[j]
                if ch == "\\":
                    j += 2
                    continue
                if ch == "{":
                    level += 1
                elif ch == "}":
                    level -= 1
                    if level == 0:
                        break
                j += 1
            out.append(s[i + 1:min(j, n)])
            i = j + 1
        elif c == '"':
            j = i + 1
            esc = False
            while j < n:
                ch = s[j]
                if ch == "\\":
                    esc = True
                    j += 2
                    continue
                if ch == '"':
                    break
                j += 1
            t = s[i + 1:min(j, n)]
            out.append(unescape(t) if esc else t)
            i = j + 1
        else:
            j = i
            esc = False
            while j < n:
                ch = s[j]
                if ch in _SPACE:
                    break
                if ch == "\\":
                    esc = True
                    j += 2
                    continue
                j += 1
            t = s[i:min(j, n)]
            out.append(unescape(t) if esc else t)
            i = j


def list_of(v: object) -> list:
    """The elements of a Tcl value seen as a list (do not mutate the result)."""
    c = v.__class__
    if c is TclList:
        return v.items  # type: ignore[attr-defined]
    if c is TclDict:
        items: list = []
        for k, x in v.d.items():  # type: ignore[attr-defined]
            items.append(k)
            items.append(x)
        return items
    if c is int or c is float:
        return [v]
    if c is SrcStr and v.rep <= LIST:  # type: ignore[attr-defined]
        return _src_list(v)  # type: ignore[arg-type]
    if c is SrcStr:
        v.rep = PLAIN  # type: ignore[attr-defined]
    s = S(v)
    try:
        return _list_cache[s]
    except KeyError:
        pass
    r = parse_list(s)
    if len(_list_cache) > 5000:
        _list_cache.clear()
    _list_cache[s] = r
    return r


_src_cache: dict = {}


def _src_list(v: SrcStr) -> list:
    """Elements of a literal list keep their source position (as Jim's do)."""
    if v.rep == SCRIPT:
        v.rep = PLAIN
        return list_of(str(v))
    v.rep = LIST
    key = (str(v), v.file, v.line)
    r = _src_cache.get(key)
    if r is None:
        starts: list = []
        items = parse_list(v, starts)
        r = []
        for it, st in zip(items, starts, strict=False):
            r.append(SrcStr(it, v.file, v.line + v.count("\n", 0, st)))
        if len(_src_cache) > 5000:
            _src_cache.clear()
        _src_cache[key] = r
    return r


_SIMPLE_BAD = set(' $"[];\\\r\n\t\f\v')
_NEEDS_CHECK = _SIMPLE_BAD | {"{", "}"}


def _quoting(s: str) -> int:
    """0 simple, 1 braces, 2 backslash-quoted (Jim's element quoting rules)."""
    if not s:
        return 1
    try_simple = True
    if s[0] in '"{':
        try_simple = False
    else:
        for ch in s:
            if ch in _NEEDS_CHECK:
                if ch in _SIMPLE_BAD:
                    try_simple = False
                break
        else:
            return 0
    if s[-1] == "\\":
        return 2
    level = 0
    blevel = 0
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "{":
            level += 1
        elif ch == "}":
            level -= 1
            if level < 0:
                return 2
        elif ch == "[":
            blevel += 1
        elif ch == "]":
            blevel -= 1
        elif ch == "\\":
            if i + 1 < n and s[i + 1] == "\n":
                return 2
            if i + 1 < n:
                i += 1
        i += 1
    if blevel < 0:
        return 2
    if level == 0:
        if not try_simple:
            return 1
        for ch in s:
            if ch in _SIMPLE_BAD:
                return 1
        return 0
    return 2


_BQ = {" ": "\\ ", "$": "\\$", '"': '\\"', "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}",
       ";": "\\;", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f", "\v": "\\v"}
_BQ_RE = re.compile(r'[ $"\[\]{};\\\n\r\t\f\v]')


def quote_element(s: str, first: bool = False) -> str:
    q = _quoting(s)
    if q == 0:
        if first and s[0] == "#":
            return "{" + s + "}"
        return s
    if q == 1:
        return "{" + s + "}"
    r = _BQ_RE.sub(lambda m: _BQ[m.group(0)], s)
    if first and s[0] == "#":
        r = "\\" + r
    return r


def format_list(items: list) -> str:
    parts = []
    first = True
    for it in items:
        s = S(it)
        parts.append(quote_element(s, first))
        first = False
    return " ".join(parts)


def mklist(items: list) -> TclList:
    return TclList(items)


# ---------------------------------------------------------------- dicts


def dict_of(v: object) -> dict:
    """The dict behind a Tcl value (do not mutate the result)."""
    c = v.__class__
    if c is TclDict:
        return v.d  # type: ignore[attr-defined]
    items = list_of(v)
    if len(items) % 2:
        raise TclError("missing value to go with key")
    d: dict = {}
    for i in range(0, len(items), 2):
        d[S(items[i])] = items[i + 1]
    return d



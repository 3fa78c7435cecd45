"""`scan`: Jim's conversions, result shapes and error texts.

The format is split into fields, each a literal prefix and one conversion, as Jim
does. Scanning stops converting at the first field that fails; the fields after it
give empty values. Only a failure of the very first field at the end of the input is
"end of input" (an empty list, or -1 with variables).
"""

from __future__ import annotations

import re

from ocdpy.tcl.commands.util import wrong_args
from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import S, TclList, wrap

_WS = " \t\n\r\f\v"
_SPEC = re.compile(r"(\*)?([-+]?[0-9]+)?(\$)?")
_WIDTH = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[ \t\n\r\f\v]*[-+]?(?:inf(?:inity)?|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
                    r"(?:[eE][-+]?[0-9]+)?)", re.I)
_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF", 2: "01"}
_ULL = (1 << 64) - 1


class Field:
    """One piece of a scan format: literal `prefix`, then conversion `conv`."""

    __slots__ = ("prefix", "conv", "pos", "width", "charset", "modifier")

    def __init__(self) -> None:
        self.prefix: str | None = None
        self.conv = ""  # "" for a trailing literal with no conversion
        self.pos = 0  # 0 natural order, -1 suppressed (%*), N for %N$
        self.width = 0
        self.charset: str | None = None
        self.modifier = ""


class ScanFormat:
    """A parsed format: its fields, or the error Jim reports for it."""

    def __init__(self, fmt: str) -> None:
        self.fields: list[Field] = []
        self.error: str | None = None
        self.conv_count = 0
        self.max_pos = 0
        try:
            self._parse(fmt)
        except TclError as e:
            self.error = e.result

    def _parse(self, fmt: str) -> None:
        n = len(fmt)
        i = 0
        last_pos = None
        while i < n:
            f = Field()
            self.fields.append(f)
            if fmt[i] != "%" or fmt[i + 1:i + 2] == "%":
                buf = []
                while i < n:
                    if fmt[i] == "%":
                        if fmt[i + 1:i + 2] != "%":
                            break
                        i += 1
                    buf.append(fmt[i])
                    i += 1
                f.prefix = "".join(buf)
            i += 1  # the %
            if i >= n:
                return
            if fmt[i] == "*":
                f.pos = -1
                i += 1
            else:
                self.conv_count += 1
            m = _WIDTH.match(fmt, i)
            if m is not None:
                width = int(m.group(0))
                i = m.end()
                if f.pos != -1 and fmt[i:i + 1] == "$":
                    i += 1
                    f.pos = width
                    width = 0
                    if (last_pos == 0 and f.pos > 0) or (last_pos is not None and last_pos > 0 and f.pos == 0):
                        raise TclError('cannot mix "%" and "%n$" conversion specifiers')
                    if any(p.pos == f.pos for p in self.fields[:-1] if p.pos != -1):
                        raise TclError('variable is assigned by multiple "%n$" conversion specifiers')
                    if f.pos < 0:
                        raise TclError('"%n$" conversion specifier is negative')
                    m = _WIDTH.match(fmt, i)
                    if m is not None:
                        width = int(m.group(0))
                        i = m.end()
                    f.width = width
                    self.max_pos = max(self.max_pos, f.pos)
                else:
                    f.width = width
            if last_pos is None:
                last_pos = f.pos
            if fmt[i:i + 1] == "[":
                f.conv = "["
                i += 1
                start = i
                if fmt[i:i + 1] == "^":
                    i += 1
                if fmt[i:i + 1] == "]":
                    i += 1
                k = fmt.find("]", i)
                if k < 0:
                    raise TclError("unmatched [ in format string")
                f.charset = fmt[start:k]
                i = k + 1
            else:
                if i < n and fmt[i] in "hlL":
                    f.modifier = fmt[i].lower()
                    i += 1
                if i >= n:
                    raise TclError("missing scan conversion character")
                c = fmt[i]
                f.conv = c
                if c not in "efgcsndoxui":
                    raise TclError("bad scan conversion character")
                if c == "c" and f.width != 0:
                    raise TclError("field width may not be specified in %c conversion")
                if c == "u" and f.modifier == "l":
                    raise TclError("unsigned wide not supported")
                i += 1


_cache: dict[str, ScanFormat] = {}


def _format(fmt: str) -> ScanFormat:
    sf = _cache.get(fmt)
    if sf is None:
        if len(_cache) > 200:
            _cache.clear()
        sf = _cache[fmt] = ScanFormat(fmt)
    return sf


def _charset_match(spec: str, c: str) -> bool:
    neg = spec.startswith("^")
    body = spec[1:] if neg else spec
    hit = False
    k = 0
    if body.startswith("]"):
        hit = c == "]"
        k = 1
    while k < len(body):
        a = body[k]
        if k + 2 < len(body) and body[k + 1] == "-":
            lo, hi = sorted((a, body[k + 2]))
            if lo <= c <= hi:
                hit = True
            k += 3
            continue
        if a == c:
            hit = True
        k += 1
    return hit != neg


def _strtoull(tok: str, base: int) -> tuple[int, int]:
    """C strtoull (Jim's own for base 0): (value, chars used); 0 chars when none."""
    i = 0
    n = len(tok)
    while i < n and tok[i] in _WS:
        i += 1
    neg = False
    if i < n and tok[i] in "+-":
        neg = tok[i] == "-"
        i += 1
    if base == 0:
        base = 10
        p = tok[i:i + 2].lower()
        if p in ("0x", "0o", "0b") and i + 2 < n and tok[i + 2] in _DIGITS[{"x": 16, "o": 8, "b": 2}[p[1]]]:
            base = {"x": 16, "o": 8, "b": 2}[p[1]]
            i += 2
    elif base == 16 and tok[i:i + 2].lower() == "0x" and i + 2 < n and tok[i + 2] in _DIGITS[16]:
        i += 2
    digits = _DIGITS[base]
    j = i
    while j < n and tok[j] in digits:
        j += 1
    if j == i:
        return 0, 0
    v = int(tok[i:j], base)
    if v > _ULL:
        v = _ULL
    elif neg:
        v = -v
    return wrap(v), j


def _scan_one(s: str, pos: int, f: Field) -> tuple[int, object]:
    """Scan one field at `pos`: (chars consumed, or 0 no match, or -1 end; value)."""
    n = len(s)
    anchor = pos
    if f.prefix is not None:
        k = 0
        pre = f.prefix
        while pos < n and k < len(pre):
            if pre[k] in _WS:
                while pos < n and s[pos] in _WS:
                    pos += 1
            elif pre[k] != s[pos]:
                break
            else:
                pos += 1
            k += 1
        if pos >= n:
            return -1, None
        if k < len(pre):
            return 0, None
    c = f.conv
    if c not in ("c", "[", "n"):
        while pos < n and s[pos] in _WS:
            pos += 1
    scanned = pos - anchor
    if c == "n":
        return scanned, anchor + scanned
    if pos >= n:
        return -1, None
    if c == "c":
        return scanned + 1, ord(s[pos])
    tok = s[pos:pos + f.width] if f.width > 0 else s[pos:]
    if c in "doxui":
        v, used = _strtoull(tok, {"o": 8, "x": 16, "i": 0}.get(c, 10))
        if used:
            return scanned + used, v
        return (0 if tok else -1), None
    if c in "s[":
        k = 0
        while k < len(tok):
            ch = tok[k]
            if f.charset is None:
                if ch in _WS:
                    break
            elif not _charset_match(f.charset, ch):
                break
            k += 1
        return scanned + k, tok[:k]
    m = _FLOAT.match(tok)
    if m is not None:
        return scanned + m.end(), float(m.group(0))
    return (0 if tok else -1), None


def scan_string(s: str, sf: ScanFormat) -> list | None:
    """The values Jim's scan produces ("" for unconverted ones), or None at end of input."""
    result: list = [""] * sf.max_pos
    filled = [False] * sf.max_pos
    pos = 0
    scanned = 1
    for i, f in enumerate(sf.fields):
        if not f.conv:
            continue
        value: object = None
        if scanned > 0:
            scanned, value = _scan_one(s, pos, f)
            if scanned == -1 and i == 0:
                return None
            pos += scanned
        if value is None:
            value = ""
        if f.pos == -1:
            continue
        if f.pos == 0:
            result.append(value)
        elif not filled[f.pos - 1]:
            result[f.pos - 1] = value
            filled[f.pos - 1] = True
    return result


def cmd_scan(F, argv):
    if len(argv) < 3:
        raise wrong_args(argv, 1, "string format ?varName varName ...?")
    sf = _format(S(argv[2]))
    if sf.error is not None:
        raise TclError(sf.error)
    names = argv[3:]
    if names:
        if sf.max_pos > len(names):
            raise TclError('"%n$" argument index out of range')
        if sf.conv_count > len(names):
            raise TclError("different numbers of variable names and field specifiers")
        if sf.conv_count < len(names):
            raise TclError("variable is not assigned by any conversion specifiers")
    vals = scan_string(S(argv[1]), sf)
    if not names:
        return TclList([] if vals is None else vals)
    if vals is None:
        return -1
    count = 0
    for name, v in zip(names, vals, strict=False):
        if S(v) != "":
            count += 1
            F.interp.set_var_f(F, S(name), v)
    return count


COMMANDS = {"scan": cmd_scan}

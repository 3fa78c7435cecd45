"""Jim's regular expressions, translated to Python `re` patterns.

Jim has its own small regexp engine (Henry Spencer style): no back-references (`\\1` is
the character 1), no `\\b` word boundary (`\\b` is a backspace), `\\m`/`\\<` and
`\\M`/`\\>` for word start/end, `\\A`/`\\Z`, POSIX classes in brackets, `{n,m}` counts
below 100, and its own compile-error wording. `translate` reads a pattern with Jim's
rules and writes the equivalent Python pattern, or raises `JimRegexError` with the
reason Jim gives (the `regexp` command adds "couldn't compile regular expression
pattern: ").
"""

from __future__ import annotations

_META = set("^$.[()|?{+*")
_MULT = set("*+?{")
_WORD = "A-Za-z0-9_"
_MAX_COUNT = 100

# Jim's error texts (jimregexp.c)
UNMATCHED_PAREN = "parentheses () not balanced"
UNMATCHED_BRACES = "braces {} not balanced"
BAD_COUNT = "invalid repetition count(s)"
JUNK_ON_END = "extra characters"
EMPTY_OPERAND = "*+ of empty atom"
NESTED_COUNT = "nested count"
INTERNAL = "internal error"
COUNT_FOLLOWS_NOTHING = "count follows nothing"
INVALID_ESCAPE = "invalid escape \\ sequence"
NULL_CHAR = "contains null char"
UNMATCHED_BRACKET = "brackets [] not balanced"

_CLASSES = {
    "alpha": [("a", "z"), ("A", "Z")], "alnum": [("0", "9"), ("a", "z"), ("A", "Z")],
    "space": [(c, c) for c in " \t\r\n\f\v"], "blank": [(" ", " "), ("\t", "\t")],
    "upper": [("A", "Z")], "lower": [("a", "z")], "digit": [("0", "9")],
    "xdigit": [("a", "f"), ("A", "F"), ("0", "9")], "cntrl": [("\x00", "\x1f"), ("\x7f", "\x7f")],
    "graph": [("!", "~")], "print": [(" ", "~")],
    "punct": [("!", "/"), (":", "@"), ("[", "`"), ("{", "~")],
}


class JimRegexError(Exception):
    """A pattern Jim refuses; `args[0]` is Jim's reason."""


def _hex(s: str, i: int, most: int) -> tuple[int, int]:
    """Up to `most` hex digits at s[i:]: (value, count)."""
    v = 0
    k = 0
    while k < most and i + k < len(s) and s[i + k] in "0123456789abcdefABCDEF":
        v = v * 16 + int(s[i + k], 16)
        k += 1
    return v, k


def decode_escape(s: str, i: int) -> tuple[str, int]:
    """The character an escape after a backslash at s[i] means, and where it ends."""
    if i >= len(s):
        return "\\", i
    c = s[i]
    i += 1
    simple = {"b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
    if c in simple:
        return simple[c], i
    if c == "u":
        if i < len(s) and s[i] == "{":
            v, k = _hex(s, i + 1, 6)
            if k and i + 1 + k < len(s) and s[i + 1 + k] == "}" and v <= 0x1FFFFF:
                return _char(v), i + k + 2
            return "u", i
        v, k = _hex(s, i, 4)
        return (_char(v), i + k) if k else ("u", i)
    if c in "Ux":
        v, k = _hex(s, i, 8 if c == "U" else 2)
        return (_char(v), i + k) if k else (c, i)
    return c, i


def _char(v: int) -> str:
    return chr(v) if v < 0x110000 else "\ufffd"


def _lit(c: str) -> str:
    """A Python pattern matching exactly the character c."""
    if c.isascii() and (c.isalnum() or c == "_"):
        return c
    o = ord(c)
    return f"\\x{o:02x}" if o < 256 else f"\\U{o:08x}"


class _Translator:
    def __init__(self, pat: str, line: bool) -> None:
        self.p = pat
        self.i = 0
        self.line = line

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.p[j] if j < len(self.p) else ""

    def fail(self, why: str) -> None:
        raise JimRegexError(why)

    # reg: alternatives, optionally inside parentheses; returns (python, has_width)
    def reg(self, paren: bool) -> tuple[str, bool]:
        prefix = ""
        if paren:
            if self.peek() == "?" and self.peek(1) == ":":
                self.i += 2
                prefix = "?:"
        branches = []
        width = True
        code, w = self.branch()
        branches.append(code)
        width = width and w
        while self.peek() == "|":
            self.i += 1
            code, w = self.branch()
            branches.append(code)
            width = width and w
        if paren:
            if self.peek() != ")":
                self.fail(UNMATCHED_PAREN)
            self.i += 1
        elif self.i < len(self.p):
            self.fail(UNMATCHED_PAREN if self.peek() == ")" else JUNK_ON_END)
        body = "|".join(branches)
        return (f"({prefix}{body})" if paren else body), width

    def branch(self) -> tuple[str, bool]:
        out = []
        width = False
        while self.i < len(self.p) and self.peek() not in (")", "|"):
            code, w = self.piece()
            out.append(code)
            width = width or w
        return "".join(out), width

    def piece(self) -> tuple[str, bool]:
        atom, width, single = self.atom()
        op = self.peek()
        if op not in _MULT:
            return atom, width
        if not width and op != "?":
            self.fail(EMPTY_OPERAND)
        if op == "{":
            j = self.i + 1
            k = j
            while k < len(self.p) and self.p[k].isdigit():
                k += 1
            if k == j:
                self.fail(BAD_COUNT)
            lo = int(self.p[j:k])
            if k >= len(self.p):
                self.fail(UNMATCHED_BRACES)
            if self.p[k] == "}":
                hi: int | None = lo
                end = k
            else:
                j2 = k + 1
                k2 = j2
                while k2 < len(self.p) and self.p[k2].isdigit():
                    k2 += 1
                if k2 >= len(self.p) or self.p[k2] != "}":
                    self.fail(UNMATCHED_BRACES)
                hi = int(self.p[j2:k2]) if k2 > j2 else None
                if hi is not None and (hi < lo or hi >= _MAX_COUNT):
                    self.fail(BAD_COUNT)
                end = k2
            if lo >= _MAX_COUNT:
                self.fail(BAD_COUNT)
            quant = f"{{{lo}}}" if hi == lo else f"{{{lo},{'' if hi is None else hi}}}"
            self.i = end
        else:
            lo = 1 if op == "+" else 0
            quant = op
        if self.peek(1) == "?":
            self.i += 1
            quant += "?"
        self.i += 1
        if self.peek() in _MULT and self.peek():
            self.fail(NESTED_COUNT)
        if not single:
            atom = f"(?:{atom})"
        return atom + quant, lo > 0

    def atom(self) -> tuple[str, bool, bool]:
        """(python code, has width, is one unit a quantifier can follow)."""
        c = self.peek()
        self.i += 1
        if c == "^":
            return ("(?m:^)" if self.line else "(?:\\A)"), False, False
        if c == "$":
            return ("(?m:$)" if self.line else "(?:\\Z)"), False, False
        if c == ".":
            return ("[^\\n]" if self.line else "[\\s\\S]"), True, True
        if c == "[":
            return self.bracket(), True, True
        if c == "(":
            code, w = self.reg(True)
            return code, w, True
        if c in ("", "|", ")"):
            self.fail(INTERNAL)
        if c in _MULT:
            self.fail(COUNT_FOLLOWS_NOTHING)
        if c == "\\":
            d = self.peek()
            if d == "":
                self.fail(INVALID_ESCAPE)
            special = {
                "A": ("\\A", False), "Z": ("\\Z", False),
                "<": (f"(?<![{_WORD}])(?=[{_WORD}])", False),
                "m": (f"(?<![{_WORD}])(?=[{_WORD}])", False),
                ">": (f"(?<=[{_WORD}])(?![{_WORD}])", False),
                "M": (f"(?<=[{_WORD}])(?![{_WORD}])", False),
                "d": ("[0-9]", True), "D": ("[^0-9]", True),
                "w": (f"[{_WORD}]", True), "W": (f"[^{_WORD}]", True),
                "s": ("[ \\t\\r\\n\\f\\v]", True), "S": ("[^ \\t\\r\\n\\f\\v]", True),
            }
            if d in special:
                self.i += 1
                code, w = special[d]
                return f"(?:{code})", w, True
            self.i -= 1  # an ordinary escaped character starts a literal run
        else:
            self.i -= 1
        return self.literal_run()

    def literal_run(self) -> tuple[str, bool, bool]:
        chars: list[str] = []
        p = self.p
        while self.i < len(p) and p[self.i] not in _META:
            start = self.i
            ch = p[self.i]
            n = self.i + 1
            if ch == "\\" and n < len(p):
                if p[n] in "<>mMwWdDsSAZ":
                    break
                ch, n = decode_escape(p, n)
                if ch == "\0":
                    self.fail(NULL_CHAR)
            if n < len(p) and p[n] in _MULT:
                if chars:
                    self.i = start
                    break
                chars.append(ch)
                self.i = n
                break
            chars.append(ch)
            self.i = n
        code = "".join(_lit(c) for c in chars)
        return code, True, len(chars) == 1

    def bracket(self) -> str:
        p = self.p
        i = self.i
        neg = False
        ranges: list[tuple[str, str]] = []
        if i < len(p) and p[i] == "^":
            neg = True
            i += 1
        if i < len(p) and p[i] in "]-":
            ranges.append((p[i], p[i]))
            i += 1
        while True:
            if i >= len(p):
                self.fail(UNMATCHED_BRACKET)
            if p[i] == "]":
                i += 1
                break
            start = p[i]
            i += 1
            if start == "\\":
                if i < len(p) and p[i] in "sdw":
                    cls = {"s": "space", "d": "digit", "w": "alnum"}[p[i]]
                    if p[i] == "w":
                        ranges.append(("_", "_"))
                    ranges.extend(_CLASSES[cls])
                    i += 1
                    continue
                start, i = decode_escape(p, i)
                if start == "\0":
                    self.fail(NULL_CHAR)
                if start == "\\" and i >= len(p):
                    self.fail(INVALID_ESCAPE)
            if i + 1 < len(p) and p[i] == "-" and p[i + 1] != "]":
                end = p[i + 1]
                i += 2
                if end == "\\":
                    end, i = decode_escape(p, i)
                    if end == "\0":
                        self.fail(NULL_CHAR)
                lo, hi = sorted((start, end))
                ranges.append((lo, hi))
                continue
            if start == "[" and i < len(p) and p[i] == ":":
                k = p.find(":]", i + 1)
                name = p[i + 1:k] if k > 0 else ""
                if name in _CLASSES:
                    ranges.extend(_CLASSES[name])
                    i = k + 2
                    continue
            ranges.append((start, start))
        self.i = i
        body = "".join(_lit(a) if a == b else f"{_lit(a)}-{_lit(b)}" for a, b in ranges)
        if neg:
            return f"[^{body}\\n]" if self.line else f"[^{body}]"
        return f"[{body}]" if body else "(?!)"


def translate(pattern: str, line: bool = False) -> str:
    """The Python pattern for Jim regexp `pattern`; raises JimRegexError."""
    if "\0" in pattern:
        raise JimRegexError(NULL_CHAR)
    t = _Translator(pattern, line)
    code, _ = t.reg(False)
    return code

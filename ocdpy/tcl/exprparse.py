"""Jim's expression language: tokenizer and precedence parser to a small tree.

The grammar is `grammar/expr.lark`; this is its hand-tuned implementation (tests parse
a corpus with both and compare trees). Precedences are Jim's: unary ops bind tighter
than `**`, `lt gt le ge` sit between the relational and equality operators, `eq ne`
below `== !=`, `in ni` below those. Numbers parse as Jim does (leading zeros are
decimal, 0x 0o 0b 0d prefixes, integers saturate at 64 bits).

Tree nodes are tuples: ("num", v) ("str", s) ("word", parts, line) ("un", op, a)
("bin", op, a, b) ("and", a, b) ("or", a, b) ("tern", c, a, b) ("fn", name, [args]).
"""

from __future__ import annotations

import re

from ocdpy.tcl.errors import TclError
from ocdpy.tcl.parser import _scan_var, skip_brace, skip_command, subst_parts
from ocdpy.tcl.values import int_of

BINARY = {
    "*": 110, "/": 110, "%": 110,
    "+": 100, "-": 100,
    "<<": 90, ">>": 90, "<<<": 90, ">>>": 90,
    "<": 80, ">": 80, "<=": 80, ">=": 80,
    "lt": 75, "gt": 75, "le": 75, "ge": 75,
    "==": 70, "!=": 70,
    "eq": 60, "ne": 60,
    "in": 55, "ni": 55,
    "&": 50, "^": 49, "|": 48,
    "&&": 10, "||": 9,
    "**": 120,
}
UNARY_PREC = 150
FUNCS = {"int": 1, "wide": 1, "abs": 1, "double": 1, "round": 1, "rand": 0, "srand": 1}
_OPS = sorted(["<<<", ">>>", "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
               "*", "/", "%", "+", "-", "<", ">", "&", "^", "|", "!", "~", "?", ":"],
              key=len, reverse=True)
_WORD_OPS = ("eq", "ne", "in", "ni", "lt", "gt", "le", "ge")
_BOOLS = ("true", "false", "yes", "no", "on", "off")
_IRRATIONAL = ("NaN", "nan", "NAN", "Inf", "inf", "INF")
_INT_TOK = re.compile(r"0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[dD][0-9]+|[0-9]+")
_DBL_TOK = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_IDENT = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")

MAX_DEPTH = 60


class ExprSyntax(TclError):
    pass


def tokenize(s: str, line: int = 1) -> list:
    """Tokens: ("num", v) ("str", s) ("word", parts, line) ("op", text) ("(",) (")",) (",",)."""
    toks: list = []
    i = 0
    n = len(s)
    ln = line
    while True:
        while i < n:
            c = s[i]
            if c in " \t\n\r\f\v":
                if c == "\n":
                    ln += 1
                i += 1
            elif c == "\\" and i + 1 < n and s[i + 1] == "\n":
                ln += 1
                i += 2
            elif c == "#":
                while i < n and s[i] != "\n":
                    i += 2 if s[i] == "\\" else 1
            else:
                break
        if i >= n:
            return toks
        c = s[i]
        if c in "(),":
            toks.append((c,))
            i += 1
        elif c == "[":
            j, missing = skip_command(s, i)
            if j < 0:
                raise TclError('unmatched "["' if missing == "[" else "missing quote")
            toks.append(("word", [("c", s[i + 1:j - 1], ln)], ln))
            ln += s.count("\n", i, j)
            i = j
        elif c == "$":
            part, j = _scan_var(s, i, ln)
            if part is None or part[0] == "e":
                raise ExprSyntax(f'syntax error in expression: "{s}"')
            toks.append(("word", [part], ln))
            ln += s.count("\n", i, j)
            i = j
        elif c.isdigit() or c == ".":
            m = _INT_TOK.match(s, i)
            end = m.end() if m else i
            if end == i or (end < n and s[end] in "eENnIi."):
                d = _DBL_TOK.match(s, i)
                if d and d.end() > end:
                    toks.append(("num", float(d.group(0))))
                    i = d.end()
                    continue
            if end == i:
                raise ExprSyntax(f'syntax error in expression: "{s}"')
            v = int_of(s[i:end])
            toks.append(("num", v))
            i = end
        elif c == '"':
            j = i + 1
            while j < n:
                cj = s[j]
                if cj == "\\":
                    j += 2
                    continue
                if cj == '"':
                    break
                if cj == "[":
                    k, _m = skip_command(s, j)
                    if k < 0:
                        raise TclError('unmatched "["')
                    j = k
                    continue
                j += 1
            if j >= n:
                raise TclError("missing quote")
            body = s[i + 1:j]
            parts = subst_parts(body, ln)
            toks.append(_word_tok(parts, ln))
            ln += body.count("\n")
            i = j + 1
        elif c == "{":
            j = skip_brace(s, i)
            if j < 0:
                raise TclError("missing close-brace")
            toks.append(("str", s[i + 1:j - 1]))
            ln += s.count("\n", i, j)
            i = j
        else:
            if c in "NIni" and s[i:i + 3] in _IRRATIONAL:
                toks.append(("num", float(s[i:i + 3].lower().replace("inf", "inf"))))
                i += 3
                continue
            m = _IDENT.match(s, i)
            if m:
                w = m.group(0)
                if w in _BOOLS:
                    toks.append(("str", w))
                    i = m.end()
                    continue
                if w in _WORD_OPS:
                    toks.append(("op", w))
                    i = m.end()
                    continue
                j = m.end()
                while j < n and s[j] in " \t\n\r":
                    j += 1
                if w in FUNCS and j < n and s[j] == "(":
                    toks.append(("fn", w))
                    i = j
                    continue
                # a boolean spelled as a prefix of a longer word is still a boolean
                for b in _BOOLS:
                    if w.startswith(b):
                        toks.append(("str", b))
                        i += len(b)
                        break
                else:
                    raise ExprSyntax(f'syntax error in expression: "{s}"')
                continue
            for op in _OPS:
                if s.startswith(op, i):
                    toks.append(("op", op))
                    i += len(op)
                    break
            else:
                raise ExprSyntax(f'syntax error in expression: "{s}"')


def _word_tok(parts: list, line: int) -> tuple:
    if all(p[0] == "t" for p in parts):
        return ("str", "".join(p[1] for p in parts))
    return ("word", parts, line)


class _Parser:
    def __init__(self, toks: list, src: str) -> None:
        self.toks = toks
        self.i = 0
        self.src = src
        self.depth = 0

    def premature(self) -> TclError:
        return ExprSyntax(f'syntax error in expression "{self.src}": premature end of expression')

    def peek(self) -> tuple | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> tuple:
        if not self.toks:
            raise self.premature()
        node = self.expr(0)
        t = self.peek()
        if t is not None:
            if t[0] == ")":
                raise ExprSyntax(f'unexpected closing parenthesis in expression: "{self.src}"')
            if t[0] == "op" and t[1] == ":":
                raise ExprSyntax(f': without ? in expression: "{self.src}"')
            if t[0] == ",":
                # Jim accepts a top-level comma and ignores what follows
                self.i += 1
                self.expr(0)
                return node
            raise ExprSyntax(f'missing operator in expression: "{self.src}"')
        return node

    def expr(self, minprec: int) -> tuple:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise TclError("expression is too deeply nested")
        left = self.unary()
        while True:
            t = self.peek()
            if t is None or t[0] != "op":
                break
            op = t[1]
            if op == "?":
                if minprec > 5:
                    break
                self.i += 1
                a = self.expr(5)
                t2 = self.peek()
                if t2 is None or t2 != ("op", ":"):
                    if t2 is None:
                        raise self.premature()
                    raise ExprSyntax(f'missing operator in expression: "{self.src}"')
                self.i += 1
                b = self.expr(5)
                left = ("tern", left, a, b)
                continue
            prec = BINARY.get(op)
            if prec is None or prec < minprec:
                break
            self.i += 1
            right = self.expr(prec if op == "**" else prec + 1)
            if op == "&&":
                left = ("and", left, right)
            elif op == "||":
                left = ("or", left, right)
            else:
                left = ("bin", op, left, right)
        self.depth -= 1
        return left

    def unary(self) -> tuple:
        t = self.peek()
        if t is None:
            raise self.premature()
        kind = t[0]
        self.i += 1
        if kind == "op":
            if t[1] in ("-", "+", "!", "~"):
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise TclError("expression is too deeply nested")
                a = self.unary()
                self.depth -= 1
                return ("un", t[1], a)
            if t[1] == ":":
                raise ExprSyntax(f': without ? in expression: "{self.src}"')
            raise self.premature()
        if kind == "num":
            return ("num", t[1])
        if kind == "str":
            return ("str", t[1])
        if kind == "word":
            return t
        if kind == "(":
            node = self.expr(0)
            t2 = self.peek()
            if t2 is None or t2[0] != ")":
                if t2 is None:
                    raise TclError("missing close parenthesis")
                if t2[0] == "op" and t2[1] == ":":
                    raise ExprSyntax(f': without ? in expression: "{self.src}"')
                raise ExprSyntax(f'missing operator in expression: "{self.src}"')
            self.i += 1
            return node
        if kind == "fn":
            name = t[1]
            self.i += 1  # the "("
            args: list = []
            t2 = self.peek()
            if t2 is None and FUNCS[name] > 0:
                raise TclError("too few arguments for math function")
            if t2 is not None and t2[0] == ")":
                self.i += 1
            else:
                while True:
                    args.append(self.expr(0))
                    t2 = self.peek()
                    if t2 is None:
                        raise TclError("missing close parenthesis")
                    self.i += 1
                    if t2[0] == ")":
                        break
                    if t2[0] != ",":
                        raise ExprSyntax(f'missing operator in expression: "{self.src}"')
            want = FUNCS[name]
            if len(args) > want:
                raise TclError("too many arguments for math function")
            if len(args) < want:
                raise TclError("too few arguments for math function")
            return ("fn", name, args)
        if kind == ")":
            raise ExprSyntax(f'unexpected closing parenthesis in expression: "{self.src}"')
        if kind == ",":
            raise ExprSyntax(f'unexpected comma in expression: "{self.src}"')
        raise self.premature()


def parse_expr(s: str, line: int = 1) -> tuple:
    """Parse an expression string to a tree; raises TclError with Jim's messages."""
    toks = tokenize(s, line)
    # "fn" tokens are always followed by "(" (checked in tokenize)
    return _Parser(toks, s).parse()

"""grammar/tcl.lark with its context-sensitive lexer, and script structure for comparison.

The interpreter runs the hand-tuned scanner in `parser.py`; this module is the
grammar-side reading of the same syntax, used by tests (and by anyone who wants a lark
tree of a Tcl script). `lark_structure` and `scanner_structure` turn a script into the
same plain shape, commands -> words -> parts, with `[script]` parts parsed recursively,
so the two readings can be compared on any text.

Only tests and tools import this module (lark is imported here, not by the engine).
Its extent helpers (brace, bracket, paren and escape ends) are written apart from
parser.py's on purpose: the comparison is evidence only while the two readings share
no code.
"""

from __future__ import annotations

from ocdpy.tcl.values import unescape

_CMD_START_BLANKS = " \t\r\f\v"
_SEP = " \t\r\f"
_WORD_END = " \t\r\f\n;"
_HEX = "0123456789abcdefABCDEF"


class TclSyntaxError(Exception):
    """Jim's message for a script it cannot read, and the line it names."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"{line}: {message}")
        self.message = message
        self.line = line


# ---------------------------------------------------------------- extents (Jim's rules)

def brace_end(s: str, i: int) -> int:
    """s[i] is "{": index after the brace that balances it, or -1."""
    depth = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def bracket_end(s: str, i: int) -> tuple[int, str]:
    """s[i] is "[": (index after the balancing "]", "") or (-1, the missing char).

    Inside brackets braces nest anywhere, a quote is special only at the start of a
    word (and may hold brackets of its own); backslash escapes one character.
    """
    n = len(s)
    # each entry: ["cmd", depth, at_word_start] or ["quote"]
    stack: list[list] = [["cmd", 1, True]]
    i += 1
    while i < n:
        top = stack[-1]
        c = s[i]
        if c == "\\":
            if i + 1 < n and top[0] == "cmd":
                top[2] = s[i + 1] in " \t\n\r\f\v"
            i += 2
            continue
        if top[0] == "quote":
            if c == '"':
                stack.pop()
            elif c == "[":
                stack.append(["cmd", 1, True])
            i += 1
            continue
        if c == "[":
            top[1] += 1
        elif c == "]":
            top[1] -= 1
            if top[1] == 0:
                stack.pop()
                i += 1
                if not stack:
                    return i, ""
                continue
        elif c == '"' and top[2]:
            stack.append(["quote"])
            i += 1
            continue
        elif c == "{":
            j = brace_end(s, i)
            if j < 0:
                return -1, "["
            top[2] = False
            i = j
            continue
        top[2] = c in " \t\n\r\f\v"
        i += 1
    return -1, '"' if stack[-1][0] == "quote" else "["


def paren_end(s: str, k: int) -> int:
    """s[k] is "(": index after the balancing ")", else after the last ")", else -1."""
    depth = 0
    last = -1
    i = k
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            last = i
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return last + 1 if last >= 0 else -1


def escape_end(s: str, i: int) -> int:
    """s[i] is a backslash: index after the escape sequence it starts."""
    n = len(s)
    j = i + 1
    if j >= n:
        return n
    c = s[j]
    if c == "x":
        return _digits_end(s, j + 1, _HEX, 2)
    if c == "u":
        if j + 1 < n and s[j + 1] == "{":
            k = _digits_end(s, j + 2, _HEX, 6)
            if k > j + 2 and k < n and s[k] == "}":
                return k + 1
        return _digits_end(s, j + 1, _HEX, 4)
    if c == "U":
        return _digits_end(s, j + 1, _HEX, 8)
    if c in "01234567":
        return _digits_end(s, j, "01234567", 3)
    if c == "\n":
        k = j + 1
        while k < n and s[k] in " \t":
            k += 1
        return k
    return j + 1


def _digits_end(s: str, i: int, digits: str, most: int) -> int:
    k = i
    while k < len(s) and k - i < most and s[k] in digits:
        k += 1
    return k


def _name_end(s: str, i: int) -> int:
    """End of a variable name at s[i]: letters, digits, _, chars >= 0x80, "::" runs."""
    n = len(s)
    while i < n:
        c = s[i]
        if c == ":" and i + 1 < n and s[i + 1] == ":":
            while i < n and s[i] == ":":
                i += 1
            continue
        if c.isascii() and not (c.isalnum() or c == "_"):
            break
        i += 1
    return i


# ---------------------------------------------------------------- the lexer

class _Lex:
    """Produces (type, text, line) tuples for one script."""

    def __init__(self, src: str, line: int = 1) -> None:
        self.s = src
        self.i = 0
        self.ln = line
        self.out: list[tuple[str, str, int]] = []

    def emit(self, kind: str, text: str, line: int | None = None) -> None:
        self.out.append((kind, text, self.ln if line is None else line))

    def run(self) -> list[tuple[str, str, int]]:
        s = self.s
        n = len(s)
        at_start = True
        while self.i < n:
            c = s[self.i]
            if at_start:
                if c in _CMD_START_BLANKS:
                    self.i += 1
                elif c == "\\" and self.i + 1 < n and s[self.i + 1] == "\n":
                    self.i += 2
                    self.ln += 1
                elif c == "\n":
                    self.emit("_EOC", c)
                    self.ln += 1
                    self.i += 1
                elif c == ";":
                    self.emit("_EOC", c)
                    self.i += 1
                elif c == "#":
                    self.comment()
                else:
                    self.word()
                    at_start = False
                continue
            # between words of a command
            j = self.i
            ln0 = self.ln
            while j < n:
                if s[j] in _SEP:
                    j += 1
                elif s[j] == "\\" and j + 1 < n and s[j + 1] == "\n":
                    j += 2
                    self.ln += 1
                else:
                    break
            self.i = j
            if j >= n:
                break
            if s[j] in "\n;":
                at_start = True
                continue
            self.emit("_SEP", s[self.i:j] or " ", ln0)
            self.word()
        return self.out

    def comment(self) -> None:
        s = self.s
        n = len(s)
        j = self.i + 1
        line = self.ln
        while j < n and s[j] != "\n":
            if s[j] == "\\":
                if j + 1 < n and s[j + 1] == "\n":
                    self.ln += 1
                j += 2
                continue
            j += 1
        j = min(j, n)
        self.emit("COMMENT", s[self.i:j], line)
        self.i = j

    def word(self) -> None:
        s = self.s
        n = len(s)
        start_line = self.ln
        if s[self.i] == "{":
            j = brace_end(s, self.i)
            if j < 0:
                raise TclSyntaxError("missing close-brace", start_line)
            body = s[self.i + 1:j - 1]
            self.ln += body.count("\n")
            if not self._word_ends(j):
                if body not in ("*", "expand"):
                    raise TclSyntaxError("extra characters after close-brace", self.ln)
                self.emit("EXPAND", s[self.i:j], start_line)
                self.i = j
                if s[self.i] == "{":
                    k = brace_end(s, self.i)
                    if k < 0:
                        raise TclSyntaxError("missing close-brace", self.ln)
                    inner = s[self.i + 1:k - 1]
                    if not self._word_ends(k):
                        raise TclSyntaxError("extra characters after close-brace", self.ln)
                    self.emit("BRACED", inner)
                    self.ln += inner.count("\n")
                    self.i = k
                    return
                start_line = self.ln
            else:
                self.emit("BRACED", body, start_line)
                self.i = j
                return
        if s[self.i] == '"':
            self.emit("QUOTE", '"')
            self.i += 1
            while True:
                if self.i >= n:
                    raise TclSyntaxError("missing quote", start_line)
                c = s[self.i]
                if c == '"':
                    self.emit("QUOTE_END", '"')
                    self.i += 1
                    break
                if not self.part(c, '"'):
                    j = self.i + 1
                    while j < n and s[j] not in '\\$["\n':
                        j += 1
                    if c == "\n":
                        j = self.i + 1
                        self.ln += 1
                    self.emit("TEXT", s[self.i:j])
                    self.i = j
        while self.i < n:
            c = s[self.i]
            if c in _WORD_END:
                break
            if c == "\\" and self.i + 1 < n and s[self.i + 1] == "\n":
                break
            if not self.part(c, ""):
                j = self.i + 1
                while j < n and s[j] not in "\\$[" and s[j] not in _WORD_END:
                    j += 1
                self.emit("TEXT", s[self.i:j])
                self.i = j

    def _word_ends(self, j: int) -> bool:
        s = self.s
        return j >= len(s) or s[j] in _WORD_END or (s[j] == "\\" and j + 1 < len(s) and s[j + 1] == "\n")

    def part(self, c: str, _quote: str) -> bool:
        """Emit an escape, variable or command substitution at self.i; False if plain text."""
        s = self.s
        if c == "\\":
            j = escape_end(s, self.i)
            text = s[self.i:j]
            self.emit("ESCAPE", text)
            self.ln += text.count("\n")
            self.i = j
            return True
        if c == "$":
            return self.variable(s, len(s))
        if c == "[":
            j, missing = bracket_end(s, self.i)
            if j < 0:
                raise TclSyntaxError({"[": 'unmatched "["', '"': "missing quote"}[missing], self.ln)
            text = s[self.i + 1:j - 1]
            self.emit("CMDSUB", text)
            self.ln += text.count("\n")
            self.i = j
            return True
        return False

    def variable(self, s: str, end: int) -> bool:
        """A `$` substitution at self.i within s[:end]; False for a lone `$`."""
        j = self.i + 1
        if j < end and s[j] == "{":
            k = s.find("}", j + 1, end)
            k = end if k < 0 else k
            self.emit("VARBRACED", s[j + 1:k])
            self.ln += s.count("\n", self.i, k)
            self.i = min(k + 1, end)
            return True
        if j < end and s[j] == "(":
            k = paren_end(s[:end], j)
            if k < 0:
                return False
            self.emit("EXPRSUGAR", s[j + 1:k - 1])
            self.ln += s.count("\n", self.i, k)
            self.i = k
            return True
        k = _name_end(s[:end], j)
        if k == j:
            return False
        self.emit("VARNAME", s[self.i:k])
        self.i = k
        if k < end and s[k] == "(":
            close = paren_end(s[:end], k)
            if close > 0:
                line = self.ln
                self.emit("IDX_OPEN", "(")
                self.index(s, k + 1, close - 1, line)
                self.emit("IDX_CLOSE", ")", line)
                self.ln = line + s.count("\n", k, close)
                self.i = close
        return True

    def index(self, s: str, i: int, end: int, line: int) -> None:
        """An array index s[i:end]: substituted like `subst` (no errors)."""
        saved = self.i
        self.i = i
        while self.i < end:
            c = s[self.i]
            self.ln = line + s.count("\n", i, self.i)
            if c == "\\":
                j = min(escape_end(s, self.i), end)
                self.emit("ESCAPE", s[self.i:j])
                self.i = j
            elif c == "$" and self.variable(s, end):
                pass
            elif c == "[":
                j, _ = bracket_end(s[:end], self.i)
                if j < 0:  # an index never fails: the rest of it is the script
                    body, j = s[self.i + 1:end], end
                else:
                    body = s[self.i + 1:j - 1]
                self.emit("CMDSUB", body)
                self.i = j
            else:
                j = self.i + 1
                while j < end and s[j] not in "\\$[":
                    j += 1
                self.emit("TEXT", s[self.i:j])
                self.i = j
        self.i = saved


def tokenize(src: str, line: int = 1) -> list[tuple[str, str, int]]:
    """The token stream of a script: (terminal name, text, line)."""
    return _Lex(src, line).run()


# ---------------------------------------------------------------- lark parser

_parser = None


def tcl_parser():
    """A lark LALR parser for grammar/tcl.lark with the lexer above."""
    global _parser
    if _parser is None:
        from lark import Lark, Token
        from lark.lexer import Lexer

        from ocdpy.resources import grammar_path

        class TclLexer(Lexer):
            def __init__(self, lexer_conf) -> None:
                pass

            def lex(self, lexer_state, parser_state=None):
                # lark hands over a LexerState (text in a TextSlice) or the text itself
                text = lexer_state if isinstance(lexer_state, str) else lexer_state.text
                text = getattr(text, "text", text)
                for kind, value, line in tokenize(text, _start_line[0]):
                    yield Token(kind, value, line=line)

        _parser = Lark(grammar_path("tcl.lark").read_text(), parser="lalr", lexer=TclLexer)
    return _parser


_start_line = [1]


def parse_tree(src: str, line: int = 1):
    """The lark tree of a script (top level; `[...]` parts stay CMDSUB text)."""
    _start_line[0] = line
    return tcl_parser().parse(src)


# ---------------------------------------------------------------- comparable structure

def lark_structure(src: str, line: int = 1) -> list:
    """[(line, [word, ...]), ...] read with tcl.lark; words as in `scanner_structure`."""
    return _lark_cmds(src, line, 0)


def _lark_cmds(src: str, line: int, depth: int) -> list:
    tree = parse_tree(src, line)
    out = []
    for st in tree.children:
        if st.data != "command":
            continue
        words = [_lark_word(w, depth) for w in st.children]
        first = _first_line(st)
        out.append((first, words))
    return out


def _first_line(tree) -> int:
    from lark import Token

    for t in tree.iter_subtrees_topdown():
        for c in t.children:
            if isinstance(c, Token):
                return c.line
    return 0


def _lark_word(w, depth: int) -> tuple:
    from lark import Token

    expand = False
    kids = list(w.children)
    if kids and isinstance(kids[0], Token) and kids[0].type == "EXPAND":
        expand = True
        kids = kids[1:]
    if len(kids) == 1 and kids[0].data == "braced":
        return (expand, "braced", str(kids[0].children[0]))
    parts: list = []
    for k in kids:
        if k.data == "quoted":
            for p in k.children:
                if not isinstance(p, Token):
                    _lark_part(p, parts, depth)
        else:
            _lark_part(k, parts, depth)
    return (expand, "parts", _merge(parts))


def _lark_part(p, parts: list, depth: int) -> None:
    kind = p.data
    tok = p.children[0]
    if kind == "text":
        parts.append(("t", str(tok)))
    elif kind == "escape":
        parts.append(("t", unescape(str(tok))))
    elif kind == "cmdsub":
        parts.append(("c", _lark_cmds(str(tok), tok.line, depth + 1)))
    else:  # variable
        if tok.type == "VARBRACED":
            parts.append(("v", str(tok), None))
        elif tok.type == "EXPRSUGAR":
            parts.append(("e", str(tok)))
        else:
            idx = None
            if len(p.children) > 1:
                idx = []
                for q in p.children[1].children:
                    if not hasattr(q, "type"):
                        _lark_part(q, idx, depth)
                idx = _merge(idx)
            parts.append(("v", str(tok)[1:], idx))


def _merge(parts: list) -> list:
    """Adjacent literal pieces as one; an empty word as one empty literal."""
    if not parts:
        return [("t", "")]
    out: list = []
    for p in parts:
        if p[0] == "t" and out and out[-1][0] == "t":
            out[-1] = ("t", out[-1][1] + p[1])
        else:
            out.append(p)
    return out


def scanner_structure(src: str, line: int = 1) -> list:
    """The same shape as `lark_structure`, read with the interpreter's scanner."""
    from ocdpy.tcl.parser import parse

    sc = parse(src, line)
    if sc.error is not None:
        raise TclSyntaxError(sc.error, sc.error_line)
    out = []
    for cmd in sc.cmds:
        words = []
        for w in cmd.words:
            if w.braced:
                words.append((w.expand, "braced", w.const))
            else:
                words.append((w.expand, "parts", _merge(_scanner_parts(w.parts))))
        out.append((cmd.line, words))
    return out


def _scanner_parts(parts: list) -> list:
    out: list = []
    for p in parts:
        if p[0] == "t":
            out.append(("t", p[1]))
        elif p[0] == "v":
            out.append(("v", p[1], None if p[2] is None else _merge(_scanner_parts(p[2]))))
        elif p[0] == "c":
            out.append(("c", scanner_structure(p[1], p[2])))
        else:
            out.append(("e", p[1]))
    return out


# ---------------------------------------------------------------- expressions

_expr_parser = None
# after these tokens an operand is expected, so "-" and "+" are unary there
_BEFORE_OPERAND = {None, "LPAR", "COMMA", "QMARK", "COLON", "OR", "AND", "BITOR", "BITXOR",
                   "BITAND", "INNI", "STREQ", "NUMEQ", "STRCMP", "REL", "SHIFT", "ADD", "MUL",
                   "POW", "UNARY"}


def expr_operand_end(s: str, i: int) -> tuple[str, int] | None:
    """A nested operand at s[i] ({...} "..." [...] $var): (terminal, end) or None."""
    c = s[i]
    if c == "{":
        j = brace_end(s, i)
        return ("BRACED", j) if j > 0 else None
    if c == "[":
        j, _ = bracket_end(s, i)
        return ("CMDSUB", j) if j > 0 else None
    if c == '"':
        j = i + 1
        while j < len(s):
            if s[j] == "\\":
                j += 2
                continue
            if s[j] == '"':
                return "QUOTED", j + 1
            if s[j] == "[":
                k, _ = bracket_end(s, j)
                if k < 0:
                    return None
                j = k
                continue
            j += 1
        return None
    if c == "$":
        j = i + 1
        if j < len(s) and s[j] == "{":
            k = s.find("}", j)
            return ("VARIABLE", k + 1) if k > 0 else None
        k = _name_end(s, j)
        if k == j:
            return None
        if k < len(s) and s[k] == "(":
            close = paren_end(s, k)
            if close > 0:
                k = close
        return "VARIABLE", k
    return None


def expr_parser():
    """A lark LALR parser for grammar/expr.lark with its lexer."""
    global _expr_parser
    if _expr_parser is None:
        import re

        from lark import Lark, Token
        from lark.exceptions import UnexpectedCharacters
        from lark.lexer import Lexer

        from ocdpy.resources import grammar_path

        class ExprLexer(Lexer):
            def __init__(self, lexer_conf) -> None:
                self.patterns = []
                for t in lexer_conf.terminals:
                    if t.name in ("WS", "BRACED", "QUOTED", "CMDSUB", "VARIABLE"):
                        continue
                    self.patterns.append((t.name, t.priority, re.compile(t.pattern.to_regexp())))

            def lex(self, lexer_state, parser_state=None):
                s = lexer_state if isinstance(lexer_state, str) else lexer_state.text
                s = getattr(s, "text", s)
                i = 0
                prev = None
                while i < len(s):
                    if s[i] in " \t\r\n\f\v":
                        i += 1
                        continue
                    nested = expr_operand_end(s, i)
                    if nested is not None:
                        kind, end = nested
                    else:
                        best = None
                        for name, prio, rx in self.patterns:
                            m = rx.match(s, i)
                            if m is None or m.end() == i:
                                continue
                            if name in ("UNARY", "ADD") and s[i] in "+-":
                                want = "UNARY" if prev in _BEFORE_OPERAND else "ADD"
                                if name != want:
                                    continue
                            elif name == "UNARY" and prev not in _BEFORE_OPERAND:
                                continue
                            key = (prio, m.end())
                            if best is None or key > best[0]:
                                best = (key, name, m.end())
                        if best is None:
                            raise UnexpectedCharacters(s, i, 1, i + 1)
                        _, kind, end = best
                    yield Token(kind, s[i:end])
                    prev = kind
                    i = end

        _expr_parser = Lark(grammar_path("expr.lark").read_text(), parser="lalr", lexer=ExprLexer)
    return _expr_parser

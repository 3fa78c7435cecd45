"""The Tcl script scanner: text to commands, words and parts, with line numbers.

This is the hand-tuned scanner for the word syntax that `grammar/tcl.lark` defines
(tests check that both agree on a corpus). It follows Jim's tokenizer: braces count
nesting and keep backslash-newline, quotes substitute, `{*}` expands, comments start
only where a command may, `$name(index)` and `${name}` and `$(expr)` are variables.

It never recurses: a `[script]` is kept as text with its line number and scanned when
the compiler first needs it, so any nesting depth parses in bounded stack.
"""

from __future__ import annotations

import re

from ocdpy.tcl.values import unescape

SEP_CHARS = " \t\r\f"
_WORD_END = set(" \t\r\f\n;")
# a run of plain characters in a bare word / inside quotes
_BARE_RUN = re.compile(r'[^\\$\[ \t\r\f\n;]+')
_QUOTE_RUN = re.compile(r'[^\\$\["\n]+')
# letters, digits, _ and any non-ASCII character (as a negated class: a range up to
# U+10FFFF costs milliseconds to compile at start-up)
_VARNAME = re.compile(r"(?:[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+|::+)+")
_BRACE_SCAN = re.compile(r"[\\{}]")


class Word:
    """One word: `parts` to substitute, or `const` when it is a plain literal.

    `braced` marks a `{...}` word (its const is the raw text, for SrcStr); `quoted` one
    that starts with `"` (Jim begins it with a text token, maybe empty, on the quote's
    line, so the substituted word remembers that line). Parts are
    ('t', text) | ('v', name, index_parts or None) | ('c', script, line) | ('e', expr, line).
    """

    __slots__ = ("parts", "const", "expand", "line", "braced", "quoted")

    def __init__(self, parts: list, line: int, expand: bool = False, braced: bool = False,
                 quoted: bool = False) -> None:
        self.parts = parts
        self.line = line
        self.expand = expand
        self.braced = braced
        self.quoted = quoted
        if braced:
            self.const: str | None = parts[0][1]
        elif all(p[0] == "t" for p in parts):
            self.const = "".join(p[1] for p in parts)
        else:
            self.const = None

    def __repr__(self) -> str:
        return f"Word({self.parts!r}, line={self.line}, expand={self.expand})"


class Cmd:
    __slots__ = ("line", "words")

    def __init__(self, line: int, words: list) -> None:
        self.line = line
        self.words = words

    def __repr__(self) -> str:
        return f"Cmd(line={self.line}, words={self.words!r})"


class Script:
    """A scanned script. `error` is Jim's message for a missing terminator, if any."""

    __slots__ = ("cmds", "error", "error_line")

    def __init__(self, cmds: list, error: str | None = None, error_line: int = 0) -> None:
        self.cmds = cmds
        self.error = error
        self.error_line = error_line


MISSING = {
    "[": 'unmatched "["',
    "{": "missing close-brace",
    "}": "extra characters after close-brace",
    '"': "missing quote",
}


def skip_brace(s: str, i: int) -> int:
    """`s[i]` is `{`: return the index just after its matching `}`, or -1."""
    level = 0
    n = len(s)
    pos = i
    search = _BRACE_SCAN.search
    while True:
        m = search(s, pos)
        if m is None:
            return -1
        j = m.start()
        c = s[j]
        if c == "\\":
            if j + 1 >= n:
                return -1
            pos = j + 2
            continue
        if c == "{":
            level += 1
        else:
            level -= 1
            if level == 0:
                return j + 1
        pos = j + 1


def skip_command(s: str, i: int) -> tuple[int, str | None]:
    """`s[i]` is `[`: return (index just after the matching `]`, None) or (-1, missing char).

    Follows Jim: inside brackets, braces nest anywhere, quotes only at a word start,
    and a quote has its own nested brackets. Iterative, any depth.
    """
    n = len(s)
    stack: list = [[1, True]]  # [level, start-of-word] for brackets; None for a quote
    j = i + 1
    while j < n:
        top = stack[-1]
        c = s[j]
        if top is None:
            if c == "\\":
                j += 2
                continue
            if c == '"':
                stack.pop()
                j += 1
                continue
            if c == "[":
                stack.append([1, True])
            j += 1
            continue
        if c == "\\":
            if j + 1 < n:
                j += 1
                top[1] = s[j].isspace()
            j += 1
            continue
        if c == "[":
            top[0] += 1
        elif c == "]":
            top[0] -= 1
            if top[0] == 0:
                stack.pop()
                j += 1
                if not stack:
                    return j, None
                continue
        elif c == '"' and top[1]:
            stack.append(None)
            j += 1
            continue
        elif c == "{":
            k = skip_brace(s, j)
            if k < 0:
                return -1, "["
            top[1] = False
            j = k
            continue
        top[1] = c in " \t\n\r\f\v"
        j += 1
    if stack and stack[-1] is None:
        return -1, '"'
    return -1, "["


def _scan_var(s: str, i: int, line: int) -> tuple[tuple | None, int]:
    """`s[i]` is `$`. Return (part, index after it) or (None, i) for a lone `$`."""
    n = len(s)
    j = i + 1
    if j < n and s[j] == "{":
        k = s.find("}", j + 1)
        if k < 0:
            return ("v", s[j + 1:], None), n
        return ("v", s[j + 1:k], None), k + 1
    if j < n and s[j] == "(":
        end = _match_paren(s, j)
        if end < 0:
            return None, i
        return ("e", s[j + 1:end - 1], line), end
    m = _VARNAME.match(s, j)
    if m is None:
        return None, i
    name = m.group(0)
    k = m.end()
    if k < n and s[k] == "(":
        end = _match_paren(s, k)
        if end > 0:
            idx = s[k + 1:end - 1]
            return ("v", name, subst_parts(idx, line)), end
    return ("v", name, None), k


def _match_paren(s: str, k: int) -> int:
    """`s[k]` is `(`: index after the matching `)`, or after the last `)`; -1 if none."""
    n = len(s)
    count = 1
    j = k + 1
    last = -1
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "(":
            count += 1
        elif c == ")":
            last = j
            count -= 1
            if count == 0:
                return j + 1
        j += 1
    return last + 1 if last >= 0 else -1


def subst_parts(s: str, line: int = 1, backslashes: bool = True, variables: bool = True,
                commands: bool = True) -> list:
    """Parts of a string under `subst` rules (also array indexes). Never fails."""
    parts: list = []
    buf: list = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\" and backslashes:
            j = _escape_end(s, i)
            buf.append(unescape(s[i:j]))
            i = j
        elif c == "$" and variables:
            part, j = _scan_var(s, i, line + s.count("\n", 0, i))
            if part is None:
                buf.append("$")
                i += 1
            else:
                if buf:
                    parts.append(("t", "".join(buf)))
                    buf = []
                parts.append(part)
                i = j
        elif c == "[" and commands:
            j, _missing = skip_command(s, i)
            if j < 0:
                j = n
                body = s[i + 1:]
            else:
                body = s[i + 1:j - 1]
            if buf:
                parts.append(("t", "".join(buf)))
                buf = []
            parts.append(("c", body, line + s.count("\n", 0, i)))
            i = j
        else:
            k = i + 1
            while k < n and s[k] not in "\\$[":
                k += 1
            buf.append(s[i:k])
            i = k
    if buf:
        parts.append(("t", "".join(buf)))
    return parts


_ESC_LEN = re.compile(
    r"\\(?:x[0-9a-fA-F]{1,2}|u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}"
    r"|[0-7]{1,3}|\n[ \t]*|.|\Z)",
    re.S,
)


def _escape_end(s: str, i: int) -> int:
    m = _ESC_LEN.match(s, i)
    return m.end() if m else i + 1


def parse(src: str, line: int = 1) -> Script:
    """Scan a whole script. Errors (missing terminators) are reported in `Script.error`."""
    cmds: list = []
    n = len(src)
    i = 0
    ln = line
    while True:
        # between commands: whitespace, newlines, semicolons, backslash-newlines, comments
        while i < n:
            c = src[i]
            if c == "\n":
                ln += 1
                i += 1
            elif c in " \t\r\f\v;":
                i += 1
            elif c == "\\" and i + 1 < n and src[i + 1] == "\n":
                ln += 1
                i += 2
            elif c == "#":
                j = i + 1
                while j < n:
                    cj = src[j]
                    if cj == "\\":
                        if j + 1 < n and src[j + 1] == "\n":
                            ln += 1
                        j += 2
                        continue
                    if cj == "\n":
                        break
                    j += 1
                i = j
            else:
                break
        if i >= n:
            return Script(cmds)
        cmd_line = ln
        words: list = []
        while True:
            # separators inside a command
            while i < n:
                c = src[i]
                if c in SEP_CHARS:
                    i += 1
                elif c == "\\" and i + 1 < n and src[i + 1] == "\n":
                    ln += 1
                    i += 2
                else:
                    break
            if i >= n or src[i] in "\n;":
                break
            r = _scan_word(src, i, ln)
            if isinstance(r, Script):
                return r
            word, i, ln = r
            words.append(word)
        if words:
            cmds.append(Cmd(cmd_line, words))


def _scan_word(src: str, i: int, ln: int) -> tuple[Word, int, int] | Script:
    n = len(src)
    start_line = ln
    expand = False
    c = src[i]
    if c == "{":
        j = skip_brace(src, i)
        if j < 0:
            return Script([], MISSING["{"], start_line)
        text = src[i + 1:j - 1]
        ln += text.count("\n")
        if j < n and src[j] not in _WORD_END and not (src[j] == "\\" and j + 1 < n and src[j + 1] == "\n"):
            if text == "*" or text == "expand":
                expand = True
                i = j
                c = src[i]
                if c == "{":
                    j = skip_brace(src, i)
                    if j < 0:
                        return Script([], MISSING["{"], ln)
                    text = src[i + 1:j - 1]
                    if j < n and src[j] not in _WORD_END and not (
                            src[j] == "\\" and j + 1 < n and src[j + 1] == "\n"):
                        return Script([], MISSING["}"], ln)
                    w = Word([("t", text)], ln, True, True)
                    ln += text.count("\n")
                    return w, j, ln
                start_line = ln
            else:
                return Script([], MISSING["}"], ln)
        else:
            return Word([("t", text)], start_line, False, True), j, ln
    parts: list = []
    buf: list = []
    quoted = src[i] == '"'
    if quoted:
        # quoted section: whitespace and ; are literal
        i += 1
        while True:
            if i >= n:
                return Script([], MISSING['"'], start_line)
            c = src[i]
            if c == '"':
                i += 1
                break
            if c == "\\":
                j = _escape_end(src, i)
                seg = src[i:j]
                ln += seg.count("\n")
                buf.append(unescape(seg))
                i = j
            elif c == "$" or c == "[":
                r = _substitution(src, i, ln, parts, buf)
                if isinstance(r, Script):
                    return r
                i, ln = r
            elif c == "\n":
                buf.append(c)
                ln += 1
                i += 1
            else:
                m = _QUOTE_RUN.match(src, i)
                buf.append(m.group(0))  # type: ignore[union-attr]
                i = m.end()  # type: ignore[union-attr]
    # bare section (also what follows a closing quote)
    while i < n:
        c = src[i]
        if c in _WORD_END:
            break
        if c == "\\":
            if i + 1 < n and src[i + 1] == "\n":
                break
            j = _escape_end(src, i)
            buf.append(unescape(src[i:j]))
            i = j
        elif c == "$" or c == "[":
            r = _substitution(src, i, ln, parts, buf)
            if isinstance(r, Script):
                return r
            i, ln = r
        else:
            m = _BARE_RUN.match(src, i)
            buf.append(m.group(0))  # type: ignore[union-attr]
            i = m.end()  # type: ignore[union-attr]
    if buf:
        parts.append(("t", "".join(buf)))
    if not parts:
        parts.append(("t", ""))
    return Word(parts, start_line, expand, False, quoted), i, ln


def _substitution(src: str, i: int, ln: int, parts: list, buf: list) -> tuple[int, int] | Script:
    """The `$var` or `[script]` at `src[i]` of a word: its part goes after the text
    gathered in `buf` (a lone `$` is text). Returns (index after it, line) or the
    error Script of an unclosed bracket."""
    if src[i] == "$":
        part, j = _scan_var(src, i, ln)
        if part is None:
            buf.append("$")
            return i + 1, ln
    else:
        j, missing = skip_command(src, i)
        if j < 0:
            return Script([], MISSING[missing or "["], ln)
        part = ("c", src[i + 1:j - 1], ln)
    if buf:
        parts.append(("t", "".join(buf)))
        buf.clear()
    parts.append(part)
    return j, ln + src.count("\n", i, j)


def check(src: str, line: int = 1) -> tuple[str, int] | None:
    """Syntax-check a script and every script nested in brackets: (message, line) or None.

    Only bracketed command substitutions are necessarily code; braced words are data
    until a command evaluates them, as in Jim.
    """
    todo = [(src, line)]
    while todo:
        text, ln = todo.pop()
        sc = parse(text, ln)
        if sc.error:
            return sc.error, sc.error_line
        for cmd in sc.cmds:
            for w in cmd.words:
                _collect(w.parts, todo)
    return None


def _collect(parts: list, todo: list) -> None:
    for p in parts:
        if p[0] == "c":
            todo.append((p[1], p[2]))
        elif p[0] == "v" and p[2]:
            _collect(p[2], todo)

"""Compiles scanned scripts and expressions into Python functions, once.

A script becomes one Python function `run(F)` (F: the call frame) whose body runs the
commands in order. Like Jim's engine specialises hot commands, `set`, `incr`, `expr`,
`if`, `while`, `for`, `foreach` and `return` with literal arguments are generated
inline; each inline form is guarded by a check that the command still is the builtin
(so `rename`/`proc` over a builtin keeps working). Everything else goes through
`Interp.invoke`. Nested `[scripts]` are compiled on first use and kept.

Errors: a compiled script records where a TclError passed through it, as Jim's
JimAddErrorToStack does, so stack traces match jimsh's.
"""

from __future__ import annotations

import re

from ocdpy.tcl import ops
from ocdpy.tcl.errors import TclBreak, TclContinue, TclError, TclReturn
from ocdpy.tcl.parser import Word, parse
from ocdpy.tcl.values import INT_MAX, INT_MIN, SOURCE, S, SrcStr, list_of, wrap

TYPE_CHECKING = False  # typing costs start-up time; type checkers see True

if TYPE_CHECKING:
    from ocdpy.tcl.interp import Interp

def parse_expr(src: str, line: int = 1) -> tuple:
    """Parse an expression (the parser module loads on the first expression)."""
    from ocdpy.tcl.exprparse import parse_expr as parse

    return parse(src, line)


_SIMPLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
MAX_INLINE_DEPTH = 12


class Var:
    """A variable cell; frames map names to cells (upvar shares through `Link`)."""

    __slots__ = ("v",)

    def __init__(self, v: object) -> None:
        self.v = v


class Code:
    """A compiled script: `fn(frame)` runs it. `file`/`line` say where its text came from."""

    __slots__ = ("fn", "file", "line", "text", "nconsts")

    def __init__(self, fn, file: str, line: int, text: str) -> None:
        self.fn = fn
        self.file = file
        self.line = line
        self.text = text


class LazyCode:
    """A `[script]` compiled the first time it runs."""

    __slots__ = ("interp", "text", "file", "line", "code")

    def __init__(self, interp: Interp, text: str, file: str, line: int) -> None:
        self.interp = interp
        self.text = text
        self.file = file
        self.line = line
        self.code: Code | None = None

    def run(self, F) -> object:
        code = self.code
        if code is None:
            code = self.code = self.interp.compile(self.text, self.file, self.line)
        interp = self.interp
        interp.depth += 1
        try:
            if interp.depth > interp.max_eval_depth:
                raise TclError("Infinite eval recursion")
            return code.fn(F)
        finally:
            interp.depth -= 1

    def run_part(self, F) -> object:
        """As one part of a longer word: Jim takes a `return` there as a plain result,
        and a break/continue as an error."""
        try:
            return self.run(F)
        except TclReturn as r:
            return r.value
        except (TclBreak, TclContinue) as c:
            raise TclError(S(c.value)) from None


def src_at(text: str, pos: tuple) -> SrcStr:
    """`text` as a string written at `pos` (file, line)."""
    s = _new_str(SrcStr, text)
    s.file, s.line = pos
    s.rep = SOURCE
    return s


def src_of(first: object, rest: str) -> str:
    """`first` followed by `rest`, keeping `first`'s source position if it has one."""
    if first.__class__ is SrcStr and first.rep == SOURCE:  # type: ignore[attr-defined]
        s = _new_str(SrcStr, first + rest)  # type: ignore[operator]
        s.file = first.file  # type: ignore[attr-defined]
        s.line = first.line  # type: ignore[attr-defined]
        s.rep = SOURCE
        return s
    return S(first) + rest


_new_str = str.__new__


def add_error(e: TclError, file: str, line: int) -> None:
    """Jim's bookkeeping when an error leaves a script at `file`:`line`."""
    if not e.seen:
        e.seen = True
        e.file = file
        e.line = line
        e.stack = []
        e.add_trace += 1
    if e.add_trace > 0:
        append_stack(e, e.error_proc, file, line)
        if file:
            e.add_trace = 0
        e.error_proc = ""


def append_stack(e: TclError, proc: str, file: str, line: int) -> None:
    if proc == "unknown":
        proc = ""
    if not proc and not file:
        return
    st = e.stack
    if not proc and file and len(st) >= 3:
        if S(st[-3]) and not S(st[-2]):
            st[-2] = file
            st[-1] = line
            return
    st.extend((proc, file, line))


class _Gen:
    """Generates the Python source of one script function."""

    def __init__(self, interp: Interp, file: str, proc_body: bool) -> None:
        self.interp = interp
        self.file = file
        self.proc_body = proc_body
        self.out: list[str] = []
        self.consts: list = []
        self.const_ids: dict = {}
        self.tmp = 0
        self.loop_depth = 0
        self.cur_line = -1
        self.sub_depth = 0

    # -- helpers
    def const(self, v: object) -> str:
        key = (type(v), v, getattr(v, "line", None))
        try:
            return self.const_ids[key]
        except (KeyError, TypeError):
            pass
        name = f"K{len(self.consts)}"
        self.consts.append(v)
        try:
            self.const_ids[key] = name
        except TypeError:
            pass
        return name

    def obj(self, v: object) -> str:
        name = f"K{len(self.consts)}"
        self.consts.append(v)
        return name

    def newtmp(self) -> str:
        self.tmp += 1
        return f"t{self.tmp}"

    def emit(self, ind: int, line: str) -> None:
        self.out.append("    " * ind + line)

    # -- words
    def lit(self, w: Word) -> str:
        return self.const(SrcStr(w.const, self.file, w.line))  # type: ignore[arg-type]

    def part_code(self, p: tuple, whole: bool) -> str:
        kind = p[0]
        if kind == "t":
            return self.const(p[1])
        if kind == "v":
            name, idx = p[1], p[2]
            if idx is None:
                if _SIMPLE_NAME.match(name):
                    return f"V[{self.const(name)}].v"
                return f"GETV(F, {self.const(name)})"
            return f"GETE(F, {self.const(name)}, {self.parts_code(idx, True)})"
        if kind == "c":
            return self.sub_code(p[1], p[2], whole)
        # $(expr) sugar
        return self.expr_code_src(p[1], p[2])

    def parts_code(self, parts: list, as_str: bool) -> str:
        if len(parts) == 1:
            c = self.part_code(parts[0], True)
            if as_str and parts[0][0] != "t":
                return f"S({c})"
            return c
        codes = []
        for p in parts:
            c = self.part_code(p, False)
            codes.append(c if p[0] == "t" else f"S({c})")
        return "(" + " + ".join(codes) + ")"

    def word_code(self, w: Word) -> str:
        """A command word's value. Like Jim's JimInterpolateTokens, a substituted word
        takes the source position of its first piece when that piece has one: a quoted
        word or one that starts with text is where it was written, one that starts with
        `$v` or `[cmd]` is where that value was written, if it came from a literal.
        So `eval $cmd` reports errors on the line where the string was built."""
        if w.const is not None:
            return self.lit(w)
        parts = w.parts
        if w.quoted or parts[0][0] == "t":
            pos = self.const((self.file, w.line))
            if len(parts) == 1:
                # `"[cmd]"` is two pieces for Jim (an empty text first): a `return`
                # in it gives the word its value, a break is an error
                return f"SRC(S({self.part_code(parts[0], False)}), {pos})"
            return f"SRC({self.parts_code(parts, True)}, {pos})"
        if len(parts) == 1:
            return self.part_code(parts[0], True)
        first = self.part_code(parts[0], False)
        return f"SRCOF({first}, {self.parts_code(parts[1:], True)})"

    def sub_code(self, text: str, line: int, whole: bool = True) -> str:
        """Code for a `[script]` substitution: inline when it is one simple command."""
        if self.interp._inline_depth < MAX_INLINE_DEPTH:
            sc = parse(text, line)
            if sc.error is None and len(sc.cmds) == 1:
                inl = self.inline_expr_cmd(sc.cmds[0])
                if inl is not None:
                    return inl
                # A one-command `[cmd ...]` on the line of the command it is part of
                # is called directly: same error position, one Python frame less.
                if whole and sc.cmds[0].line == self.cur_line and self.sub_depth < 8:
                    self.sub_depth += 1
                    try:
                        return self.generic_call_expr(sc.cmds[0])
                    finally:
                        self.sub_depth -= 1
        lazy = LazyCode(self.interp, text, self.file, line)
        return f"{self.obj(lazy)}.{'run' if whole else 'run_part'}(F)"

    def inline_expr_cmd(self, cmd) -> str | None:
        """A command usable as a Python expression: `[expr {..}]`, `[set x]`."""
        ws = cmd.words
        if any(w.expand for w in ws) or ws[0].const is None:
            return None
        name = ws[0].const
        fallback = self.generic_call_expr(cmd)
        if name == "expr" and len(ws) == 2 and ws[1].braced:
            try:
                code = self.expr_code_src(ws[1].const, ws[1].line)
            except TclError:
                return None
            return f"({code} if CMDS.get('expr') is B_expr else {fallback})"
        if name == "set" and len(ws) == 2 and ws[1].const is not None and _SIMPLE_NAME.match(ws[1].const):
            return f"(V[{self.const(ws[1].const)}].v if CMDS.get('set') is B_set else {fallback})"
        return None

    def generic_call_expr(self, cmd) -> str:
        ws = cmd.words
        where = self.const((self.file, cmd.line))
        if any(w.expand for w in ws):
            items = []
            for w in ws:
                c = self.word_code(w)
                items.append(f"*list_of({c})" if w.expand else c)
            return f"CALLX(F, [{', '.join(items)}], {where})"
        args = ", ".join(self.word_code(w) for w in ws)
        return f"CALL(F, [{args}], {where})"

    # -- expressions
    def expr_code_src(self, src: str, line: int) -> str:
        tree = parse_expr(src, line)
        return self.expr_code(tree)

    def expr_code(self, n: tuple) -> str:
        k = n[0]
        if k == "num":
            return repr(n[1]) if n[1] == n[1] and n[1] not in (float("inf"), float("-inf")) else self.const(n[1])
        if k == "str":
            return self.const(n[1])
        if k == "word":
            return self.parts_code(n[1], False)
        if k == "bin":
            f = ops.BIN_FUNCS[n[1]]
            return f"{f}({self.expr_code(n[2])}, {self.expr_code(n[3])})"
        if k == "un":
            return f"{ops.UN_FUNCS[n[1]]}({self.expr_code(n[2])})"
        if k == "and":
            return f"(1 if {self.cond_code(n[1])} and {self.cond_code(n[2])} else 0)"
        if k == "or":
            return f"(1 if {self.cond_code(n[1])} or {self.cond_code(n[2])} else 0)"
        if k == "tern":
            return f"({self.expr_code(n[2])} if {self.cond_code(n[1])} else {self.expr_code(n[3])})"
        if k == "fn":
            args = ", ".join(self.expr_code(a) for a in n[2])
            return f"{ops.FN_FUNCS[n[1]]}({args})"
        raise TclError("bad expression")

    def cond_code(self, n: tuple) -> str:
        """A Python boolean expression for an expression used as a condition."""
        k = n[0]
        if k == "bin" and n[1] in ("<", ">", "<=", ">=", "==", "!=", "eq", "ne", "in", "ni",
                                    "lt", "gt", "le", "ge"):
            return self.expr_code(n)
        if k == "un" and n[1] == "!":
            return self.expr_code(n)
        if k in ("and", "or"):
            op = " and " if k == "and" else " or "
            return f"({self.cond_code(n[1])}{op}{self.cond_code(n[2])})"
        return f"truth({self.expr_code(n)})"

    # -- commands
    def script(self, cmds: list, ind: int, result: bool = True) -> None:
        if not cmds:
            self.emit(ind, "r = ''")
            return
        for cmd in cmds:
            self.command(cmd, ind)

    def command(self, cmd, ind: int) -> None:
        self.emit(ind, f"L = {cmd.line}")
        self.cur_line = cmd.line
        ws = cmd.words
        name = ws[0].const if not ws[0].expand else None
        interp = self.interp
        gen = None
        if name is not None and interp._inline_depth < MAX_INLINE_DEPTH:
            gen = getattr(self, "inline_" + name, None) if name in _INLINE else None
        if gen is not None:
            interp._inline_depth += 1
            try:
                mark = len(self.out)
                self.emit(ind, f"if CMDS.get({self.const(name)}) is B_{name}:")
                ok = gen(cmd, ind + 1)
                if ok:
                    self.cur_line = cmd.line  # inlined bodies moved it
                    self.emit(ind, "else:")
                    self.emit(ind + 1, f"r = {self.generic_call_expr(cmd)}")
                    return
                del self.out[mark:]
            except TclError:
                del self.out[mark:]
            finally:
                interp._inline_depth -= 1
        self.cur_line = cmd.line
        self.emit(ind, f"r = {self.generic_call_expr(cmd)}")

    def set_var_stmt(self, ind: int, name: str, val: str) -> None:
        k = self.const(name)
        c = self.newtmp()
        self.emit(ind, f"{c} = V.get({k})")
        self.emit(ind, f"if {c} is None:")
        self.emit(ind + 1, f"V[{k}] = Var({val})")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"{c}.v = {val}")

    def inline_set(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if len(ws) not in (2, 3) or ws[1].const is None or not _SIMPLE_NAME.match(ws[1].const):
            return False
        if len(ws) == 2:
            self.emit(ind, f"r = V[{self.const(ws[1].const)}].v")
            return True
        self.emit(ind, f"r = {self.word_code(ws[2])}")
        self.set_var_stmt(ind, ws[1].const, "r")
        return True

    def inline_incr(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if len(ws) not in (2, 3) or ws[1].const is None or not _SIMPLE_NAME.match(ws[1].const):
            return False
        by = 1
        if len(ws) == 3:
            from ocdpy.tcl.values import int_of
            if ws[2].const is None or ws[2].braced:
                return False
            by = int_of(ws[2].const)
            if by is None:
                return False
        k = self.const(ws[1].const)
        c = self.newtmp()
        self.emit(ind, f"{c} = V.get({k})")
        self.emit(ind, f"if {c} is not None and {c}.v.__class__ is int:")
        self.emit(ind + 1, f"r = {c}.v + {by}")
        self.emit(ind + 1, "if not (INT_MIN <= r <= INT_MAX):")
        self.emit(ind + 2, "r = wrap(r)")
        self.emit(ind + 1, f"{c}.v = r")
        self.emit(ind, "else:")
        self.emit(ind + 1, f"r = INCR(F, {k}, {by})")
        return True

    def inline_expr(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if len(ws) != 2 or not ws[1].braced:
            return False
        self.emit(ind, f"r = {self.expr_code_src(ws[1].const, ws[1].line)}")
        return True

    def body(self, w: Word, ind: int) -> bool:
        """Inline a literal script word; False if it cannot be inlined."""
        if w.const is None or w.expand:
            return False
        sc = parse(w.const, w.line)
        if sc.error:
            return False
        self.script(sc.cmds, ind)
        return True

    def inline_if(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if any(w.const is None for w in ws):
            return False
        i = 1
        first = True
        n = len(ws)
        while True:
            if i >= n:
                return False
            cond = ws[i]
            i += 1
            if i < n and ws[i].const == "then":
                i += 1
            if i >= n:
                return False
            body = ws[i]
            i += 1
            ccode = self.cond_code(parse_expr(cond.const, cond.line))  # type: ignore[arg-type]
            self.emit(ind, f"{'if' if first else 'elif'} {ccode}:")
            first = False
            if not self.body(body, ind + 1):
                return False
            if i >= n:
                self.emit(ind, "else:")
                self.emit(ind + 1, "r = ''")
                return True
            kw = ws[i].const
            if kw == "elseif":
                i += 1
                continue
            if kw == "else":
                i += 1
                if i != n - 1:
                    return False
                self.emit(ind, "else:")
                return self.body(ws[i], ind + 1)
            if i == n - 1:
                self.emit(ind, "else:")
                return self.body(ws[i], ind + 1)
            return False

    def loop_body(self, w: Word, ind: int) -> bool:
        self.emit(ind, "try:")
        self.loop_depth += 1
        ok = self.body(w, ind + 1)
        self.loop_depth -= 1
        self.emit(ind, "except TclBreak:")
        self.emit(ind + 1, "break")
        self.emit(ind, "except TclContinue:")
        self.emit(ind + 1, "pass")
        return ok

    def inline_while(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if len(ws) != 3 or ws[1].const is None or ws[2].const is None:
            return False
        ccode = self.cond_code(parse_expr(ws[1].const, ws[1].line))
        self.emit(ind, "while True:")
        self.emit(ind + 1, f"L = {cmd.line}")
        self.emit(ind + 1, f"if not ({ccode}):")
        self.emit(ind + 2, "break")
        if not self.loop_body(ws[2], ind + 1):
            return False
        self.emit(ind, "r = ''")
        return True

    def inline_for(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if len(ws) != 5 or any(w.const is None for w in ws):
            return False
        if not self.body(ws[1], ind):
            return False
        ccode = self.cond_code(parse_expr(ws[2].const, ws[2].line))
        self.emit(ind, "while True:")
        self.emit(ind + 1, f"L = {cmd.line}")
        self.emit(ind + 1, f"if not ({ccode}):")
        self.emit(ind + 2, "break")
        if not self.loop_body(ws[4], ind + 1):
            return False
        self.emit(ind + 1, "try:")
        if not self.body(ws[3], ind + 2):
            return False
        self.emit(ind + 1, "except TclBreak:")
        self.emit(ind + 2, "break")
        self.emit(ind, "r = ''")
        return True

    def inline_foreach(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if len(ws) != 4 or ws[1].const is None or ws[3].const is None or ws[1].expand or ws[2].expand:
            return False
        var = ws[1].const
        if not _SIMPLE_NAME.match(var):
            return False
        it = self.newtmp()
        self.emit(ind, f"for {it} in tuple(list_of({self.word_code(ws[2])})):")
        self.set_var_stmt(ind + 1, var, it)
        if not self.loop_body(ws[3], ind + 1):
            return False
        self.emit(ind, "r = ''")
        return True

    def inline_return(self, cmd, ind: int) -> bool:
        ws = cmd.words
        if not self.proc_body or len(ws) > 2:
            return False
        val = self.word_code(ws[1]) if len(ws) == 2 else "''"
        self.emit(ind, "F.interp.return_level = 0")
        self.emit(ind, f"return {val}")
        return True


_INLINE = {"set", "incr", "expr", "if", "while", "for", "foreach", "return"}

_RUNTIME = {
    "S": S, "Var": Var, "TclError": TclError, "TclBreak": TclBreak,
    "TclContinue": TclContinue, "TclReturn": TclReturn, "list_of": list_of,
    "wrap": wrap, "INT_MIN": INT_MIN, "INT_MAX": INT_MAX, "truth": ops.truth,
    "add_error": add_error, "SRC": src_at, "SRCOF": src_of,
}
for _name in list(ops.BIN_FUNCS.values()) + list(ops.UN_FUNCS.values()) + list(ops.FN_FUNCS.values()):
    _RUNTIME[_name] = getattr(ops, _name)


def compile_script(interp: Interp, text: str, file: str, line: int, proc_body: bool = False) -> Code:
    """Compile script `text` (which starts at `file`:`line`) into a Code object."""
    sc = parse(text, line)
    if sc.error is not None:
        msg, eline = sc.error, sc.error_line

        def fail(F, _m=msg, _l=eline):
            e = TclError(_m)
            add_error(e, file, _l)
            raise e

        return Code(fail, file, line, text)
    g = _Gen(interp, file, proc_body)
    saved = interp._inline_depth
    interp._inline_depth = 0
    try:
        g.script(sc.cmds, 2)
    finally:
        interp._inline_depth = saved
    body = g.out
    params = ", ".join(f"K{i}" for i in range(len(g.consts)))
    src = [f"def _make({params}):", "    def run(F):", "        V = F.vars", "        L = 0",
           "        r = ''", "        try:"]
    src.extend("    " + b for b in body)
    src.append("            return r")
    src.append("        except TclError as e:")
    src.append(f"            add_error(e, {file!r}, L)")
    src.append("            raise")
    src.append("    return run")
    ns = dict(_RUNTIME)
    ns.update(interp._runtime)
    exec(compile("\n".join(src), f"<tcl {file}:{line}>", "exec"), ns)  # noqa: S102
    fn = ns["_make"](*g.consts)
    return Code(fn, file, line, text)


def compile_expr(interp: Interp, text: str, line: int = 1, file: str = ""):
    """Compile an expression string into a function `fn(F) -> value`."""
    tree = parse_expr(text, line)
    g = _Gen(interp, file, False)
    saved = interp._inline_depth
    interp._inline_depth = 0
    try:
        code = g.expr_code(tree)
    finally:
        interp._inline_depth = saved
    params = ", ".join(f"K{i}" for i in range(len(g.consts)))
    src = f"def _make({params}):\n    def run(F):\n        V = F.vars\n        return {code}\n    return run"
    ns = dict(_RUNTIME)
    ns.update(interp._runtime)
    exec(compile(src, "<tcl expr>", "exec"), ns)  # noqa: S102
    return ns["_make"](*g.consts)

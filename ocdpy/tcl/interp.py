"""The interpreter: command table, call frames, variables, procs, eval and source.

See docs/tcl.md for the embedding API. Commands are Python callables `fn(F, argv)`
(F: the calling Frame, argv: the words as Tcl values); `Interp.register` wraps a
plain `fn(interp, argv: list[str])` into that form.
"""

from __future__ import annotations

import sys

from ocdpy.tcl.compiler import Code, Var, add_error, compile_expr, compile_script
from ocdpy.tcl.errors import (
    ERROR,
    OK,
    TclBreak,
    TclContinue,
    TclControl,
    TclError,
    TclOther,
    TclReturn,
)
from ocdpy.tcl.paths import fs_path
from ocdpy.tcl.values import (
    PLAIN,
    SCRIPT,
    S,
    SrcStr,
    TclDict,
    TclList,
    dict_of,
    get_int,
    list_of,
    wrap,
)

TYPE_CHECKING = False  # typing costs start-up time; type checkers see True

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TextIO

MAX_CALL_DEPTH = 1000
MAX_EVAL_DEPTH = 2000


class VarDict(dict):
    """A frame's variables; reading a missing one is Jim's "no such variable" error."""

    __slots__ = ()

    def __missing__(self, name: str):
        raise TclError(f'can\'t read "{name}": no such variable')


class Link:
    """A variable name bound to another frame's variable (upvar, global, variable)."""

    __slots__ = ("d", "name", "local")

    def __init__(self, d: dict, name: str, local: str) -> None:
        self.d = d
        self.name = name
        self.local = local

    @property
    def v(self) -> object:
        c = self.d.get(self.name)
        if c is None:
            raise TclError(f'can\'t read "{self.local}": no such variable')
        return c.v

    @v.setter
    def v(self, val: object) -> None:
        c = self.d.get(self.name)
        if c is None:
            self.d[self.name] = Var(val)
        else:
            c.v = val

    def exists(self) -> bool:
        c = self.d.get(self.name)
        if c is None:
            return False
        if c.__class__ is Link:
            return c.exists()
        return True

    def unset(self) -> bool:
        c = self.d.get(self.name)
        if c is None:
            return False
        if c.__class__ is Link:
            return c.unset()
        del self.d[self.name]
        return True


class ElemLink(Link):
    """A variable name bound to an array element of another frame (upvar a(x) e)."""

    __slots__ = ("frame",)

    def __init__(self, frame: Frame, name: str, local: str) -> None:
        super().__init__(frame.vars, name, local)
        self.frame = frame

    @property
    def v(self) -> object:
        return self.frame.interp.get_var_f(self.frame, self.name)

    @v.setter
    def v(self, val: object) -> None:
        self.frame.interp.set_var_f(self.frame, self.name, val)

    def exists(self) -> bool:
        return self.frame.interp.var_exists_f(self.frame, self.name)

    def unset(self) -> bool:
        self.frame.interp.unset_var_f(self.frame, self.name, False)
        return True


class Frame:
    """A call frame: level 0 is global. `where` is the (file, line) being run in it.

    `ns` is the frame's namespace as Jim keeps it: "" for the global one, else the
    canonical name without leading colons ("a::b").
    """

    __slots__ = ("interp", "vars", "level", "parent", "proc", "argv", "where", "call_where",
                 "cleanup", "ns")

    def __init__(self, interp: Interp, level: int, parent: Frame | None, proc: object = None,
                 argv: list | None = None, ns: str = "") -> None:
        self.interp = interp
        self.vars = VarDict()
        self.level = level
        self.parent = parent
        self.proc = proc
        self.argv = argv or []
        self.where: tuple = ("", 0)
        self.call_where: tuple = ("", 0)
        self.cleanup: list | None = None
        self.ns = ns


_ARGS = object()  # marks the `args` parameter


class Proc:
    """A Tcl procedure: argument spec, body, compiled on first call."""

    def __init__(self, interp: Interp, name: str, args: object, body: object) -> None:
        self.interp = interp
        self.name = name
        self.args_value = args
        self.body = body
        self.code: Code | None = None
        self.params: list[tuple[str, object | None]] = []
        self.has_args = False
        self.statics: dict = {}
        k = name.rfind("::")
        self.ns = name[:k] if k > 0 else ""
        spec = list_of(args)
        for a in spec:
            parts = list_of(a)
            if len(parts) > 2:
                raise TclError(f'too many fields in argument specifier "{S(a)}"')
            if len(parts) == 0:
                raise TclError(f'procedure "{name}" has argument with no name')
            pname = S(parts[0])
            if pname == "args" and len(parts) == 1 and not self.has_args:
                self.has_args = True
                self.params.append(("args", _ARGS))
                continue
            self.params.append((pname, parts[1] if len(parts) == 2 else None))
        self.simple = not self.has_args and all(d is None for _, d in self.params)
        self.names = tuple(p for p, _ in self.params)
        self.nargv = len(self.params) + 1
        self.required = sum(1 for _, d in self.params if d is None)
        self.optional = sum(1 for _, d in self.params if d is not None and d is not _ARGS)
        self.body_text = S(body)
        if not self.body_text:
            self.simple = False  # call_bound handles Jim's empty-body shortcut
        if not self.simple:
            self.nargv = -1
        self.fn = self._first_call

    def set_statics(self, F: Frame, spec: object) -> None:
        self.nargv = -1  # statics are bound in call_bound
        for item in list_of(spec):
            parts = list_of(item)
            if len(parts) == 2:
                self.statics[S(parts[0])] = Var(parts[1])
            elif len(parts) == 1:
                name = S(parts[0])
                self.statics[name] = Var(F.interp.get_var_f(F, name))
            else:
                raise TclError(f'too many fields in static specifier "{S(item)}"')

    def usage(self, invoked: str) -> str:
        words = [invoked]
        for pname, default in self.params:
            if default is _ARGS:
                words.append("?arg ...?")
            else:
                words.append(f"?{pname}?" if default is not None else pname)
        return " ".join(words)

    def call(self, F: Frame, argv: list) -> object:
        # The hot path: fixed parameters, right count. Jim checks the arity first,
        # then the nesting depth (frames at levels 1..1000 may run).
        if len(argv) != self.nargv:  # nargv is -1 unless the fast path applies
            return self.call_bound(F, argv)
        if F.level >= MAX_CALL_DEPTH:
            raise TclError("Too many nested calls. Infinite recursion?")
        nf = Frame(self.interp, F.level + 1, F, self, argv, self.ns)
        nf.call_where = F.where
        V = nf.vars
        i = 1
        for pname in self.names:
            V[pname] = Var(argv[i])
            i += 1
        # the body of run(), repeated here to save a Python call per proc call
        try:
            return self.fn(nf)
        except TclReturn as r:
            r.level -= 1
            interp = self.interp
            if r.level > 0:
                interp.return_level = r.level
                raise
            interp.return_level = 0
            return interp._return_code(r)
        except TclError as e:
            e.add_trace += 1
            e.error_proc = S(argv[0])
            raise
        finally:
            if nf.cleanup:
                cmds = self.interp.cmds
                for name in nf.cleanup:
                    cmds.pop(name, None)

    def call_bound(self, F: Frame, argv: list) -> object:
        """A call that needs defaults, `args` or an arity error."""
        self.check_arity(argv)
        if not self.body_text:
            return ""  # Jim skips the frame entirely for an empty body
        if F.level >= MAX_CALL_DEPTH:
            raise TclError("Too many nested calls. Infinite recursion?")
        nf = Frame(self.interp, F.level + 1, F, self, argv, self.ns)
        nf.call_where = F.where
        self.bind(nf.vars, argv)
        return self.run(nf, argv)

    def run(self, nf: Frame, argv: list) -> object:
        if self.statics:
            nf.vars.update(self.statics)
        try:
            return self.fn(nf)
        except TclReturn as r:
            r.level -= 1
            interp = self.interp
            if r.level > 0:
                interp.return_level = r.level
                raise
            interp.return_level = 0
            return interp._return_code(r)
        except TclError as e:
            e.add_trace += 1
            e.error_proc = S(argv[0])
            raise
        finally:
            if nf.cleanup:
                cmds = self.interp.cmds
                for name in nf.cleanup:
                    cmds.pop(name, None)

    def _first_call(self, nf: Frame) -> object:
        """Compile the body on first use; later calls go straight to the code."""
        code = self.code = self.interp.compile_value(self.body, proc_body=True)
        self.fn = code.fn
        return code.fn(nf)

    def check_arity(self, argv: list) -> None:
        nargs = len(argv) - 1
        if nargs < self.required or (nargs > self.required + self.optional and not self.has_args):
            raise TclError(f'wrong # args: should be "{self.usage(S(argv[0]))}"')

    def bind(self, V: dict, argv: list) -> None:
        params = self.params
        nargs = len(argv) - 1
        required = self.required
        optional = self.optional
        # Jim fills required args first, then optional ones left to right, then args
        opt_avail = min(optional, nargs - required)
        extra = nargs - required - opt_avail
        i = 1
        for pname, default in params:
            if default is None:
                V[pname] = Var(argv[i])
                i += 1
            elif default is _ARGS:
                from ocdpy.tcl.values import TclList

                V[pname] = Var(TclList(list(argv[i:i + extra])))
                i += extra
            elif opt_avail > 0:
                V[pname] = Var(argv[i])
                i += 1
                opt_avail -= 1
            else:
                V[pname] = Var(default)


def _split_name(name: str) -> tuple[str, str | None]:
    """`a(b)` to ("a", "b"); plain names to (name, None)."""
    if name.endswith(")"):
        k = name.find("(")
        if k > 0:
            return name[:k], name[k + 1:-1]
    return name, None


class Interp:
    """A Jim Tcl interpreter. See docs/tcl.md."""

    def __init__(self, stdout: TextIO | None = None) -> None:
        self.cmds: dict[str, Callable] = {}
        self.globals = Frame(self, 0, None)
        self.frame = self.globals
        self.depth = 0
        self.return_level = 0
        self.max_eval_depth = MAX_EVAL_DEPTH
        self._inline_depth = 0
        self._code_cache: dict = {}
        self._expr_cache: dict = {}
        self.stdout: TextIO | None = stdout
        self.stderr: TextIO | None = None
        self.source_resolver: Callable[[str], str] | None = None
        self.script_stack: list[str] = []
        self.last_error: TclError | None = None
        self.python_cmds: dict[str, Callable] = {}
        self.cmd_display: dict[str, str] = {}  # name -> "::name" when created that way
        self._runtime: dict = {
            "CMDS": self.cmds,
            "CALL": self.invoke,
            "CALLX": self.invoke,
            "GETV": self.get_var_f,
            "GETE": self.get_elem_f,
            "INCR": self.incr_f,
        }
        from ocdpy.tcl.commands import install

        install(self)
        for name in ("set", "incr", "expr", "if", "while", "for", "foreach", "return"):
            self._runtime["B_" + name] = self.cmds[name]
        if sys.getrecursionlimit() < 30000:
            sys.setrecursionlimit(30000)

    # ------------------------------------------------------------ output
    @property
    def out(self) -> TextIO:
        return self.stdout if self.stdout is not None else sys.stdout

    def write(self, text: str, err: bool = False) -> None:
        """Write `text` to the interp's stdout (or stderr) stream."""
        stream = (self.stderr or sys.stderr) if err else self.out
        stream.write(text)

    # ------------------------------------------------------------ commands
    def invoke(self, F: Frame, argv: list, where: tuple = ("", 0)) -> object:
        F.where = where
        if F.ns:
            fn = self.lookup(F, S(argv[0]))
        else:
            # command names are str keys; any other value (int, list) hashes without a
            # match and takes the slow path through its string form
            fn = self.cmds.get(argv[0])
            if fn is None:
                fn = self.lookup(F, S(argv[0]))
        if fn is None:
            return self.unknown(F, argv)
        return fn(F, argv)

    def lookup(self, F: Frame, name: str) -> Callable | None:
        """The command `name` means in frame F: its namespace first, then global."""
        if name.startswith("::"):
            return self.cmds.get(name.lstrip(":"))
        ns = F.ns
        if ns:
            fn = self.cmds.get(f"{ns}::{name}")
            if fn is not None:
                return fn
        return self.cmds.get(name)

    def unknown(self, F: Frame, argv: list) -> object:
        handler = self.lookup(F, "unknown")
        if handler is not None and not getattr(self, "_in_unknown", False):
            self._in_unknown = True
            try:
                return handler(F, ["unknown", *argv])
            finally:
                self._in_unknown = False
        raise TclError(f'invalid command name "{S(argv[0])}"')

    def register(self, name: str, fn: Callable[[Interp, list[str]], str | None]) -> None:
        """Add a Python command: `fn(interp, argv)` with argv[0] the name as invoked."""

        def command(F: Frame, argv: list, _fn=fn) -> object:
            saved = self.frame
            self.frame = F
            try:
                r = _fn(self, [S(a) for a in argv])
            finally:
                self.frame = saved
            return "" if r is None else r

        command.python_fn = fn  # type: ignore[attr-defined]
        self.cmds[name] = command
        self.python_cmds[name] = fn

    def register_native(self, name: str, fn: Callable) -> None:
        """Add a command with the internal signature `fn(F, argv)` (values, not strings)."""
        self.cmds[name] = fn

    def unregister(self, name: str) -> None:
        self.cmds.pop(name, None)
        self.python_cmds.pop(name, None)

    def has_command(self, name: str) -> bool:
        return name in self.cmds

    def command_names(self) -> list[str]:
        return list(self.cmds)

    @staticmethod
    def proc_of(fn: object) -> Proc | None:
        """The Proc behind a command callable, or None for other commands."""
        p = getattr(fn, "__self__", None)
        return p if isinstance(p, Proc) else None

    def is_proc(self, name: str) -> bool:
        fn = self.cmds.get(name)
        return fn is not None and isinstance(getattr(fn, "__self__", None), Proc)

    def get_proc(self, name: str) -> Proc | None:
        fn = self.cmds.get(name)
        p = getattr(fn, "__self__", None)
        return p if isinstance(p, Proc) else None

    def command_kind(self, name: str) -> str | None:
        """"proc", "python" (registered with `register`), "builtin", or None."""
        fn = self.cmds.get(name)
        if fn is None:
            return None
        if isinstance(getattr(fn, "__self__", None), Proc):
            return "proc"
        if hasattr(fn, "python_fn"):
            return "python"
        return "builtin"

    # ------------------------------------------------------------ compile
    def compile(self, text: object, file: str = "", line: int = 1, proc_body: bool = False) -> Code:
        s = S(text)
        key = (s, file, line, proc_body)
        code = self._code_cache.get(key)
        if code is None:
            code = compile_script(self, s, file, line, proc_body)
            if len(self._code_cache) > 4000:
                self._code_cache.clear()
            self._code_cache[key] = code
        return code

    def compile_value(self, v: object, proc_body: bool = False) -> Code:
        """Compile a script value, using its source position when it has one."""
        if v.__class__ is SrcStr:
            if v.rep <= SCRIPT:  # type: ignore[attr-defined]
                v.rep = SCRIPT  # type: ignore[attr-defined]
                return self.compile(v, v.file, v.line, proc_body)  # type: ignore[attr-defined]
            v.rep = PLAIN  # type: ignore[attr-defined]
        return self.compile(v, "", 1, proc_body)

    def expr_fn(self, v: object):
        s = S(v)
        fn = self._expr_cache.get(s)
        if fn is None:
            fn = compile_expr(self, s, getattr(v, "line", 1), getattr(v, "file", ""))
            if len(self._expr_cache) > 4000:
                self._expr_cache.clear()
            self._expr_cache[s] = fn
        return fn

    def eval_expr(self, F: Frame, v: object) -> object:
        return self.expr_fn(v)(F)

    # ------------------------------------------------------------ evaluation
    def eval_in(self, F: Frame, script: object) -> object:
        """Evaluate a script value in frame F (the path eval/uplevel/catch/... use)."""
        if script.__class__ is TclList and script.s is None:  # type: ignore[attr-defined]
            # A list never seen as a string is one command whose words are its
            # elements, called as they are (Jim does so): no re-parse, and each
            # word keeps its source position.
            return self._eval_list(F, script.items)  # type: ignore[attr-defined]
        code = self.compile_value(script)
        self.depth += 1
        try:
            if self.depth > self.max_eval_depth:
                raise TclError("Infinite eval recursion")
            return code.fn(F)
        finally:
            self.depth -= 1

    def _eval_list(self, F: Frame, words: list) -> object:
        if not words:
            return ""
        self.depth += 1
        try:
            if self.depth > self.max_eval_depth:
                raise TclError("Infinite eval recursion")
            return self.invoke(F, list(words), F.where)
        finally:
            self.depth -= 1

    def _return_code(self, r: TclReturn) -> object:
        """Turn a `return` that reached its level into the code it carries."""
        code = r.ret_code
        if code == OK:
            return r.value
        if code == ERROR:
            e = TclError(S(r.value), r.error_code or "NONE")
            if r.error_code is not None:
                self.set_global("errorCode", r.error_code)
            if r.stack is not None:
                e.seen = True
                e.stack = list(r.stack)
                if len(e.stack) >= 3 and S(e.stack[-2]) == "":
                    e.add_trace = 1
            raise e
        if code == 3:
            raise TclBreak(r.value)
        if code == 4:
            raise TclContinue(r.value)
        raise TclOther(code, r.value)

    def eval(self, script: str, filename: str | None = None, line: int = 1) -> str:
        """Evaluate `script` at global level; returns the result string.

        Errors raise TclError (with `stack`, `file`, `line`); `exit` raises TclExit.
        A `return` at top level ends the script with its value; break/continue outside a
        loop end it too (as in jimsh).
        """
        return S(self._eval_top(script, filename or "", line))

    def _eval_top(self, script: str, filename: str, line: int) -> object:
        F = self.globals
        saved = self.frame
        self.frame = F
        try:
            code = self.compile(script, filename, line)
            try:
                return code.fn(F)
            except TclReturn as r:
                r.level -= 1
                if r.level > 0:
                    return r.value
                return self._return_code(r)
            except TclControl as c:
                return c.value
        except TclError as e:
            self.last_error = e
            raise
        except RecursionError:
            e = TclError("Infinite eval recursion")
            self.last_error = e
            raise e from None
        finally:
            self.frame = saved

    def call(self, *words: object) -> str:
        """Invoke one command with pre-split words at global level; returns its result."""
        F = self.frame
        try:
            return S(self.invoke(F, list(words), F.where))
        except TclReturn as r:
            return S(r.value)

    def read_script(self, path: str) -> str:
        """The text of a script file (an operating-system path) as a Tcl string."""
        with open(path, "rb") as f:
            data = f.read()
        return data.decode("latin-1")

    def resolve_source(self, path: str) -> str:
        """The operating-system path to open for `source path` (a Tcl string)."""
        if self.source_resolver is not None:
            return self.source_resolver(path)
        return fs_path(path)

    def source_top(self, path: str) -> object:
        """`source` at top level as jimsh runs a file: break/continue/other codes end it."""
        try:
            return self.source(path)
        except TclReturn as r:
            return r.value
        except TclControl as c:
            return c.value

    def source(self, path: str, F: Frame | None = None) -> object:
        """Run a script file (like `source`): in frame F (default global)."""
        real = self.resolve_source(path)
        try:
            text = self.read_script(real)
        except OSError as ex:
            raise TclError(f'couldn\'t read file "{path}": {ex.strerror or "error"}') from None
        code = self.compile(text, path, 1)
        frame = F or self.globals
        saved = self.frame
        self.frame = frame
        self.script_stack.append(path)
        self.depth += 1
        try:
            if self.depth > self.max_eval_depth:
                raise TclError("Infinite eval recursion")
            try:
                return code.fn(frame)
            except TclReturn as r:
                r.level -= 1
                if r.level > 0:
                    self.return_level = r.level
                    raise
                self.return_level = 0
                return self._return_code(r)
        except TclError as e:
            e.add_trace += 1
            raise
        finally:
            self.depth -= 1
            self.script_stack.pop()
            self.frame = saved

    # ------------------------------------------------------------ variables
    def _resolve(self, F: Frame, name: str) -> tuple[dict, str]:
        if name.startswith("::"):
            return self.globals.vars, name.lstrip(":")
        return F.vars, name

    def get_var_f(self, F: Frame, name: str) -> object:
        base, idx = _split_name(name)
        d, key = self._resolve(F, base)
        c = d.get(key)
        if c is None:
            raise TclError(f'can\'t read "{base if idx is not None else name}": no such variable')
        if idx is None:
            return c.v
        return self._elem(c.v, name, idx)

    def _elem(self, val: object, name: str, idx: str) -> object:
        try:
            d = dict_of(val)
        except TclError:
            raise TclError(f'can\'t read "{name}": variable isn\'t array') from None
        try:
            return d[idx]
        except KeyError:
            raise TclError(f'can\'t read "{name}": no such element in array') from None

    def get_elem_f(self, F: Frame, name: str, idx: object) -> object:
        d, key = self._resolve(F, name)
        c = d.get(key)
        if c is None:
            raise TclError(f'can\'t read "{name}": no such variable')
        return self._elem(c.v, f"{name}({S(idx)})", S(idx))

    def set_var_f(self, F: Frame, name: str, value: object) -> object:
        base, idx = _split_name(name)
        d, key = self._resolve(F, base)
        c = d.get(key)
        if idx is None:
            if c is None:
                d[key] = Var(value)
            else:
                c.v = value
            return value
        if c is None or (isinstance(c, Link) and not c.exists()):
            if c is None:
                d[key] = Var(TclDict({idx: value}))
            else:
                c.v = TclDict({idx: value})
            return value
        old = c.v
        if old.__class__ is TclDict and sys.getrefcount(old) <= 3:
            old.d[idx] = value
            old.s = None
            return value
        try:
            nd = dict(dict_of(old))
        except TclError:
            raise TclError(f'can\'t set "{name}": variable isn\'t array') from None
        nd[idx] = value
        c.v = TclDict(nd)
        return value

    def unset_var_f(self, F: Frame, name: str, complain: bool = True) -> None:
        base, idx = _split_name(name)
        d, key = self._resolve(F, base)
        c = d.get(key)
        if c is None or (isinstance(c, Link) and not c.exists()):
            if complain:
                raise TclError(f'can\'t unset "{name}": no such variable')
            return
        if idx is None:
            if c.__class__ is Link:
                c.unset()
            del d[key]
            return
        try:
            dd = dict_of(c.v)
        except TclError:
            if complain:
                raise TclError(f'can\'t unset "{name}": variable isn\'t array') from None
            return
        if idx not in dd:
            if complain:
                raise TclError(f'can\'t unset "{name}": no such element in array')
            return
        nd = dict(dd)
        del nd[idx]
        c.v = TclDict(nd)

    def var_exists_f(self, F: Frame, name: str) -> bool:
        base, idx = _split_name(name)
        d, key = self._resolve(F, base)
        c = d.get(key)
        if c is None:
            return False
        if isinstance(c, Link) and not c.exists():
            return False
        if idx is None:
            return True
        try:
            return idx in dict_of(c.v)
        except TclError:
            return False

    def incr_f(self, F: Frame, name: str, by: int) -> int:
        base, idx = _split_name(name)
        d, key = self._resolve(F, base)
        c = d.get(key)
        if idx is None and (c is None or (c.__class__ is Link and not c.exists())):
            v = wrap(by)
        else:
            cur = self.get_var_f(F, name) if idx is None or (c is not None and self.var_exists_f(F, name)) else 0
            v = wrap(get_int(cur) + by)
        self.set_var_f(F, name, v)
        return v

    # public, global-level variable API
    def set_var(self, name: str, value: object) -> None:
        self.set_var_f(self.globals, name, value)

    def get_var(self, name: str) -> str:
        return S(self.get_var_f(self.globals, name))

    def unset_var(self, name: str) -> None:
        self.unset_var_f(self.globals, name, complain=False)

    def var_exists(self, name: str) -> bool:
        return self.var_exists_f(self.globals, name)

    def set_global(self, name: str, value: object) -> None:
        self.set_var_f(self.globals, name, value)

    # ------------------------------------------------------------ frames
    def frame_at(self, F: Frame, spec: object, default_rel: int = 1) -> Frame:
        """The frame a level spec names (`N` relative, `#N` absolute), as uplevel/upvar."""
        s = S(spec)
        if s.startswith("#"):
            n = get_int(s[1:]) if s[1:] else None
            if n is None or n < 0:
                raise TclError(f'bad level "{s}"')
            target = F
            while target is not None and target.level > n:
                target = target.parent
            if target is None or target.level != n:
                raise TclError(f'bad level "{s}"')
            return target
        try:
            n = get_int(s)
        except TclError:
            raise TclError(f'bad level "{s}"') from None
        if n < 0:
            raise TclError(f'bad level "{s}"')
        target = F
        for _ in range(n):
            if target.parent is None:
                raise TclError(f'bad level "{s}"')
            target = target.parent
        return target

    def current_location(self) -> tuple[str, int]:
        """(file, line) of the command now running in the current frame."""
        return self.frame.where

    def info_script(self) -> str:
        return self.script_stack[-1] if self.script_stack else ""

    def record_error(self, e: TclError, file: str, line: int) -> None:
        add_error(e, file, line)

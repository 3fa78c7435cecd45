"""Variables, control flow, procs and evaluation: set incr if for foreach proc catch ..."""

from __future__ import annotations

import re

from ocdpy.tcl.commands.util import get_enum, get_int_expr, glob_match, wrong_args
from ocdpy.tcl.compiler import Var
from ocdpy.tcl.errors import (
    ERROR,
    OK,
    RETURN,
    TclBreak,
    TclContinue,
    TclControl,
    TclError,
    TclExit,
    TclOther,
    TclReturn,
)
from ocdpy.tcl.ops import truth
from ocdpy.tcl.values import S, SrcStr, TclList, get_int, int_of, list_of, wrap


def cmd_set(F, argv):
    n = len(argv)
    if n == 2:
        return F.interp.get_var_f(F, S(argv[1]))
    if n == 3:
        return F.interp.set_var_f(F, S(argv[1]), argv[2])
    raise wrong_args(argv, 1, "varName ?newValue?")


def cmd_unset(F, argv):
    i = 1
    complain = True
    while i < len(argv):
        a = S(argv[i])
        if a == "-nocomplain":
            complain = False
            i += 1
        elif a == "--":
            i += 1
            break
        else:
            break
    for a in argv[i:]:
        F.interp.unset_var_f(F, S(a), complain)
    return ""


def cmd_incr(F, argv):
    n = len(argv)
    if n not in (2, 3):
        raise wrong_args(argv, 1, "varName ?increment?")
    by = get_int_expr(F.interp, F, argv[2]) if n == 3 else 1
    return F.interp.incr_f(F, S(argv[1]), by)


def cmd_append(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "varName ?value value ...?")
    interp = F.interp
    name = S(argv[1])
    if len(argv) == 2:
        return interp.get_var_f(F, name)
    cur = S(interp.get_var_f(F, name)) if interp.var_exists_f(F, name) else ""
    v = cur + "".join(S(a) for a in argv[2:])
    interp.set_var_f(F, name, v)
    return v


def cond(F, v) -> bool:
    return truth(F.interp.eval_expr(F, v))


_IF_USAGE = "condition ?then? trueBody ?elseif ...? ?else? falseBody"


def cmd_if(F, argv):
    interp = F.interp
    n = len(argv)
    i = 1
    if n < 3:
        raise wrong_args(argv, 1, _IF_USAGE)
    while True:
        if i >= n:
            raise wrong_args(argv, 1, _IF_USAGE)
        c = argv[i]
        i += 1
        if i < n and S(argv[i]) == "then":
            i += 1
        if i >= n:
            raise wrong_args(argv, 1, _IF_USAGE)
        body = argv[i]
        i += 1
        if cond(F, c):
            return interp.eval_in(F, body)
        if i >= n:
            return ""
        kw = S(argv[i])
        if kw == "elseif":
            i += 1
            continue
        if kw == "else":
            i += 1
            if i >= n:
                raise wrong_args(argv, 1, _IF_USAGE)
        if i != n - 1:
            raise wrong_args(argv, 1, _IF_USAGE)
        return interp.eval_in(F, argv[i])


def cmd_while(F, argv):
    if len(argv) != 3:
        raise wrong_args(argv, 1, "condition body")
    interp = F.interp
    body = interp.compile_value(argv[2]).fn
    c = interp.expr_fn(argv[1])
    while truth(c(F)):
        try:
            body(F)
        except TclBreak:
            break
        except TclContinue:
            pass
    return ""


def cmd_for(F, argv):
    if len(argv) != 5:
        raise wrong_args(argv, 1, "start test next body")
    interp = F.interp
    interp.eval_in(F, argv[1])
    c = interp.expr_fn(argv[2])
    nxt = interp.compile_value(argv[3]).fn
    body = interp.compile_value(argv[4]).fn
    while truth(c(F)):
        try:
            body(F)
        except TclBreak:
            break
        except TclContinue:
            pass
        try:
            nxt(F)
        except TclBreak:
            break
    return ""


def _foreach(F, argv, collect: bool, usage: str):
    n = len(argv)
    if n < 4 or n % 2 != 0:
        raise wrong_args(argv, 1, usage)
    interp = F.interp
    groups = []
    max_iter = 0
    for k in range(1, n - 1, 2):
        names = [S(x) for x in list_of(argv[k])]
        if not names:
            raise TclError("foreach varlist is empty")
        items = list(list_of(argv[k + 1]))
        groups.append((names, items))
        iters = (len(items) + len(names) - 1) // len(names)
        max_iter = max(max_iter, iters)
    body = interp.compile_value(argv[n - 1]).fn
    out = []
    for it in range(max_iter):
        for names, items in groups:
            base = it * len(names)
            for j, name in enumerate(names):
                idx = base + j
                interp.set_var_f(F, name, items[idx] if idx < len(items) else "")
        try:
            r = body(F)
        except TclBreak:
            break
        except TclContinue:
            continue
        if collect:
            out.append(r)
    return TclList(out) if collect else ""


def cmd_foreach(F, argv):
    return _foreach(F, argv, False, "varList list ?varList list ...? script")


def cmd_lmap(F, argv):
    return _foreach(F, argv, True, "varList list ?varList list ...? script")


def cmd_break(F, argv):
    if len(argv) != 1:
        raise wrong_args(argv, 1, "")
    raise TclBreak()


def cmd_continue(F, argv):
    if len(argv) != 1:
        raise wrong_args(argv, 1, "")
    raise TclContinue()


_CODES = ["ok", "error", "return", "break", "continue", "signal", "exit", "eval"]


def return_code(v) -> int:
    s = S(v)
    if s in _CODES:
        return _CODES.index(s)
    r = int_of(s)
    if r is None:
        raise TclError(f'expected return code but got "{s}"')
    return r


def cmd_return(F, argv):
    n = len(argv)
    code = OK
    level = 1
    error_code = None
    stack = None
    i = 1
    while i < n - 1:
        opt = S(argv[i])
        if opt == "-code":
            code = return_code(argv[i + 1])
        elif opt == "-errorinfo":
            stack = list(list_of(argv[i + 1]))
        elif opt == "-errorcode":
            error_code = S(argv[i + 1])
        elif opt == "-level":
            lv = int_of(S(argv[i + 1]))
            if lv is None or lv < 0:
                raise TclError(f'bad level "{S(argv[i + 1])}"')
            level = lv
        else:
            break
        i += 2
    if i != n - 1 and i != n:
        raise wrong_args(argv, 1, "?-code code? ?-errorinfo stacktrace? ?-level level? ?result?")
    value = argv[i] if i == n - 1 else ""
    if code != ERROR:
        stack = None
    if error_code is not None and code == ERROR:
        F.interp.set_global("errorCode", error_code)
    F.interp.return_level = level
    if level == 0:
        r = TclReturn(value, code, 0, error_code, stack)
        return F.interp._return_code(r)
    raise TclReturn(value, code, level, error_code, stack)


def cmd_error(F, argv):
    n = len(argv)
    if n not in (2, 3):
        raise wrong_args(argv, 1, "message ?stacktrace?")
    e = TclError(S(argv[1]))
    if n == 3:
        e.seen = True
        e.stack = list(list_of(argv[2]))
        if len(e.stack) >= 3 and S(e.stack[-2]) == "":
            e.add_trace = 1
    else:
        e.add_trace += 1
    raise e


def _code_of(exc: BaseException) -> int:
    return getattr(exc, "code", ERROR)


def _run_caught(F, script) -> tuple[int, object, BaseException | None]:
    interp = F.interp
    try:
        return OK, interp.eval_in(F, script), None
    except TclError as e:
        interp.last_error = e
        return ERROR, e.result, e
    except TclReturn as r:
        return RETURN, r.value, r
    except TclControl as c:
        return c.code, c.value, c


def _options(F, code: int, exc) -> TclList:
    interp = F.interp
    if code == RETURN:
        items = ["-code", exc.ret_code, "-level", interp.return_level]
    else:
        items = ["-code", code, "-level", interp.return_level]
    if code == ERROR:
        items += ["-errorinfo", TclList(list(exc.stack))]
        if interp.var_exists_f(interp.globals, "errorCode"):
            items += ["-errorcode", interp.get_var_f(interp.globals, "errorCode")]
    return TclList(items)


_CATCH_USAGE = "?-?no?code ... --? script ?resultVarName? ?optionVarName?"


def _parse_codes(argv, usage):
    ignore = {5, 6, 7}  # signal, exit and eval pass through unless asked for
    ignore_exit = True
    i = 1
    n = len(argv)
    while i < n - 1:
        a = S(argv[i])
        if a == "--":
            i += 1
            break
        if not a.startswith("-"):
            break
        neg = a.startswith("-no")
        name = a[3:] if neg else a[1:]
        v = int_of(name)
        if v is None or v < 0:
            if name not in _CODES:
                raise wrong_args(argv, 1, usage)
            v = _CODES.index(name)
        if neg:
            ignore.add(v)
            if v == 6:
                ignore_exit = True
        else:
            ignore.discard(v)
            if v == 6:
                ignore_exit = False
        i += 1
    return i, ignore, ignore_exit


def cmd_catch(F, argv):
    i, ignore, ignore_exit = _parse_codes(argv, _CATCH_USAGE)
    n = len(argv)
    if i >= n or n - i > 3:
        raise wrong_args(argv, 1, _CATCH_USAGE)
    interp = F.interp
    interp.set_global("errorCode", "NONE")
    try:
        code, value, exc = _run_caught(F, argv[i])
    except TclExit as x:
        if ignore_exit:
            raise
        code, value, exc = 6, str(x.code), None
    if code in ignore:
        if exc is not None:
            raise exc
    if n - i >= 2:
        interp.set_var_f(F, S(argv[i + 1]), value)
    if n - i >= 3:
        interp.set_var_f(F, S(argv[i + 2]), _options(F, code, exc))
    return code


def cmd_try(F, argv):
    usage = "?-?no?code ... --? script ?on codes vars script? ... ?finally script?"
    i, ignore, _ie = _parse_codes(argv, usage)
    n = len(argv)
    if i >= n:
        raise wrong_args(argv, 1, usage)
    interp = F.interp
    interp.set_global("errorCode", "NONE")
    code, value, exc = _run_caught(F, argv[i])
    i += 1
    handler = None
    final = None
    while i < n:
        kw = S(argv[i])
        if kw == "on":
            if i + 4 > n:
                raise wrong_args(argv, 1, usage)
            try:
                codes = [return_code(c) for c in list_of(argv[i + 1])]
            except TclError:
                raise wrong_args(argv, 1, usage) from None
            if code in codes:
                handler = (list_of(argv[i + 2]), argv[i + 3])
            i += 4
        elif kw == "finally":
            if i + 2 != n:
                raise wrong_args(argv, 1, usage)
            final = argv[i + 1]
            i += 2
        else:
            raise wrong_args(argv, 1, usage)
    if code in ignore and exc is not None:
        if final is not None:
            interp.eval_in(F, final)
        raise exc
    result_exc = exc
    result = value
    if handler is not None:
        vars_, script = handler
        if len(vars_) >= 1 and S(vars_[0]):
            interp.set_var_f(F, S(vars_[0]), value)
        if len(vars_) >= 2 and S(vars_[1]):
            interp.set_var_f(F, S(vars_[1]), _options(F, code, exc))
        try:
            result = interp.eval_in(F, script)
            result_exc = None
        except (TclError, TclControl) as e2:
            result_exc = e2
    if final is not None:
        interp.eval_in(F, final)
    if result_exc is not None and (handler is not None or code != OK):
        raise result_exc
    return result


def cmd_throw(F, argv):
    # Jim's throw is a proc in tclcompat.tcl: `return -code $code $msg`
    proc = F.interp.__dict__.get("_throw_proc")
    if proc is None:
        from ocdpy.tcl.interp import Proc

        body = SrcStr("\n\treturn -code $code $msg\n", "tclcompat.tcl", 186)
        proc = F.interp._throw_proc = Proc(F.interp, "throw", "code {msg {}}", body)
    return proc.call(F, argv)


def cmd_proc(F, argv):
    n = len(argv)
    if n not in (4, 5):
        raise wrong_args(argv, 1, "name arglist ?statics? body")
    from ocdpy.tcl.interp import Proc

    interp = F.interp
    given = S(argv[1])
    name = given.lstrip(":") if given.startswith("::") else given
    if F.ns and not given.startswith("::"):
        name = f"{F.ns}::{given}"
    p = Proc(interp, name, argv[2], argv[-1])
    if n == 5:
        p.set_statics(F, argv[3])
    if name not in interp.cmds:
        if given.startswith("::"):
            interp.cmd_display[name] = given
        else:
            interp.cmd_display.pop(name, None)
    interp.cmds[name] = p.call
    if "::" in name:
        unshadow_inlined(interp, name)
    return given


def unshadow_inlined(interp, name: str) -> None:
    """A namespace command named like an inlined one (`ns::set`) must be found by
    namespace lookup, which compiled fast paths skip: replace the global builtin with
    an equal wrapper, so their "still the builtin?" guards fail over to normal calls."""
    from ocdpy.tcl.compiler import _INLINE

    short = name.rsplit("::", 1)[-1]
    if short not in _INLINE:
        return
    builtin = interp._runtime.get("B_" + short)
    if builtin is not None and interp.cmds.get(short) is builtin:
        def same(F, argv, _b=builtin):
            return _b(F, argv)

        interp.cmds[short] = same


def cmd_apply(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "lambdaExpr ?arg ...?")
    from ocdpy.tcl.interp import Proc

    lam = list_of(argv[1])
    if len(lam) not in (2, 3):
        raise TclError(f'can\'t interpret "{S(argv[1])}" as a lambda expression')
    cache = F.interp.__dict__.setdefault("_lambda_cache", {})
    key = S(argv[1])
    p = cache.get(key)
    if p is None:
        p = Proc(F.interp, "apply lambdaExpr", lam[0], lam[1])
        if len(cache) > 500:
            cache.clear()
        cache[key] = p
    return p.call(F, ["apply lambdaExpr", *argv[2:]])


def cmd_rename(F, argv):
    if len(argv) != 3:
        raise wrong_args(argv, 1, "oldName newName")
    interp = F.interp
    from ocdpy.tcl.commands.namespace import canonical

    old = canonical(F.ns, S(argv[1]))
    new = S(argv[2])
    if new:
        new = canonical(F.ns, new)
    fn = interp.cmds.get(old)
    if fn is None and F.ns and not S(argv[1]).startswith("::"):
        old = S(argv[1])
        fn = interp.cmds.get(old)
    if fn is None:
        raise TclError(f'can\'t rename "{old}": command doesn\'t exist')
    if new and new in interp.cmds:
        raise TclError(f'can\'t rename to "{new}": command already exists')
    del interp.cmds[old]
    interp.cmd_display.pop(old, None)
    pyfn = interp.python_cmds.pop(old, None)
    if new and S(argv[2]).startswith("::"):
        interp.cmd_display[new] = S(argv[2])
    if new:
        interp.cmds[new] = fn
        if "::" in new:
            unshadow_inlined(interp, new)
        if pyfn is not None:
            interp.python_cmds[new] = pyfn
        proc = getattr(fn, "__self__", None)
        if proc is not None and hasattr(proc, "name"):
            proc.name = new
    return ""


def _concat_args(args: list) -> object:
    if len(args) == 1:
        return args[0]
    from ocdpy.tcl.commands.lists import concat_values

    return concat_values(args)


def cmd_eval(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "arg ?arg ...?")
    try:
        return F.interp.eval_in(F, _concat_args(argv[1:]))
    except TclError as e:
        e.add_trace += 1
        raise


def cmd_uplevel(F, argv):
    n = len(argv)
    if n < 2:
        raise wrong_args(argv, 1, "?level? command ?arg ...?")
    interp = F.interp
    first = S(argv[1])
    if n > 2 and (first.startswith("#") or (first[:1].isdigit())):
        target = interp.frame_at(F, first)
        args = argv[2:]
    else:
        target = interp.frame_at(F, "1")
        args = argv[1:]
    if not args:
        raise wrong_args(argv, 1, "?level? command ?arg ...?")
    saved = interp.frame
    interp.frame = target
    try:
        return interp.eval_in(target, _concat_args(args))
    finally:
        interp.frame = saved


def _link(F, target_frame, other: str, local: str) -> None:
    from ocdpy.tcl.interp import Link

    interp = F.interp
    if other.startswith("::"):
        d = interp.globals.vars
        target_frame = interp.globals
        other = other.lstrip(":")
    else:
        d = target_frame.vars
    if other.endswith(")") and "(" in other:
        from ocdpy.tcl.interp import ElemLink

        F.vars[local] = ElemLink(target_frame, other, local)
        return
    if d is F.vars and other == local:
        raise TclError("can't upvar from variable to itself")
    existing = F.vars.get(local)
    if existing is not None and existing.__class__ is not Link:
        raise TclError(f'variable "{local}" already exists')
    F.vars[local] = Link(d, other, local)


def cmd_upvar(F, argv):
    n = len(argv)
    interp = F.interp
    i = 1
    first = S(argv[1]) if n > 1 else ""
    if n % 2 == 0 and n >= 2:
        target = interp.frame_at(F, first)
        i = 2
    else:
        target = interp.frame_at(F, "1")
    if n - i < 2 or (n - i) % 2:
        raise wrong_args(argv, 1, "?level? otherVar localVar ?otherVar localVar ...?")
    for k in range(i, n, 2):
        _link(F, target, S(argv[k]), S(argv[k + 1]))
    return ""


def cmd_global(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "varName ?varName ...?")
    if F.level == 0:
        return ""
    for a in argv[1:]:
        name = S(a)
        if name.startswith("::"):
            continue  # Jim makes no local link for a qualified name
        _link(F, F.interp.globals, "::" + name, name)
    return ""


def cmd_expr(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "expression")
    return F.interp.eval_expr(F, argv[1])


def cmd_exit(F, argv):
    if len(argv) > 2:
        raise wrong_args(argv, 1, "?exitCode?")
    code = get_int(argv[1]) if len(argv) == 2 else 0
    raise TclExit(code)


def cmd_source(F, argv):
    if len(argv) != 2:
        raise wrong_args(argv, 1, "fileName")
    return F.interp.source(S(argv[1]), F)


def cmd_subst(F, argv):
    n = len(argv)
    if n < 2:
        raise wrong_args(argv, 1, "?options? string")
    bs = var = cmd = True
    for a in argv[1:-1]:
        o = get_enum(a, ["-nobackslashes", "-nocommands", "-novariables"], "option")
        if o == "-nobackslashes":
            bs = False
        elif o == "-nocommands":
            cmd = False
        else:
            var = False
    from ocdpy.tcl.parser import subst_parts

    s = argv[-1]
    parts = subst_parts(S(s), getattr(s, "line", 1), bs, var, cmd)
    out = []
    interp = F.interp
    for p in parts:
        k = p[0]
        if k == "t":
            out.append(p[1])
        elif k == "v":
            if p[2] is None:
                out.append(S(interp.get_var_f(F, p[1])))
            else:
                idx = "".join(S(x) for x in _subst_eval(F, p[2]))
                out.append(S(interp.get_elem_f(F, p[1], idx)))
        elif k == "c":
            try:
                out.append(S(interp.eval_in(F, SrcStr(p[1], getattr(s, "file", ""), p[2]))))
            except TclReturn as r:
                out.append(S(r.value))  # Jim substitutes a `return`'s value and goes on
            except TclBreak:
                break
            except TclContinue:
                continue
        else:
            out.append(S(interp.eval_expr(F, p[1])))
    return "".join(out)


def _subst_eval(F, parts):
    interp = F.interp
    for p in parts:
        if p[0] == "t":
            yield p[1]
        elif p[0] == "v":
            yield interp.get_var_f(F, p[1]) if p[2] is None else interp.get_elem_f(
                F, p[1], "".join(S(x) for x in _subst_eval(F, p[2])))
        elif p[0] == "c":
            yield interp.eval_in(F, p[1])
        else:
            yield interp.eval_expr(F, p[1])


def cmd_tailcall(F, argv):
    if F.level == 0:
        raise TclError("tailcall can only be called from a proc or lambda")
    if len(argv) < 2:
        return ""
    r = F.interp.invoke(F.parent, list(argv[1:]), F.where)
    raise TclReturn(r, OK, 1)


_SWITCH_USAGE = ("?options? string pattern body ... ?default body?   or   "
                 "{pattern body ?pattern body ...?}")


def cmd_switch(F, argv):
    n = len(argv)
    mode = "-exact"
    cmd = None
    i = 1
    while i < n:
        a = S(argv[i])
        if not a.startswith("-"):
            break
        if a == "--":
            i += 1
            break
        if a in ("-exact", "-glob", "-regexp"):
            mode = a
        elif a == "-command" and i + 1 < n:
            mode = "-command"
            cmd = argv[i + 1]
            i += 1
        else:
            raise TclError(f'bad option "{a}": must be -exact, -glob, -regexp, -command procname or --')
        i += 1
    if n - i < 2:
        raise wrong_args(argv, 1, _SWITCH_USAGE)
    subject = S(argv[i])
    i += 1
    if n - i == 1:
        pairs = list(list_of(argv[i]))
    else:
        pairs = list(argv[i:])
    if not pairs or len(pairs) % 2:
        raise wrong_args(argv, 1, _SWITCH_USAGE)
    interp = F.interp
    for k in range(0, len(pairs), 2):
        pat = S(pairs[k])
        hit = False
        if k == len(pairs) - 2 and pat == "default":
            hit = True
        elif mode == "-exact":
            hit = pat == subject
        elif mode == "-glob":
            hit = glob_match(pat, subject)
        elif mode == "-regexp":
            from ocdpy.tcl.commands.text import compile_re

            hit = compile_re(pat, False).search(subject) is not None
        else:
            r = interp.invoke(F, [*list_of(cmd), pat, subject], F.where)
            hit = truth(r)
        if hit:
            j = k + 1
            while j < len(pairs) and S(pairs[j]) == "-":
                j += 2
            if j >= len(pairs):
                raise TclError(f'no body specified for pattern "{S(pairs[k])}"')
            return interp.eval_in(F, pairs[j])
    return ""


def cmd_time(F, argv):
    import time

    if len(argv) not in (2, 3):
        raise wrong_args(argv, 1, "script ?count?")
    count = get_int(argv[2]) if len(argv) == 3 else 1
    t0 = time.perf_counter()
    for _ in range(max(count, 0)):
        F.interp.eval_in(F, argv[1])
    us = (time.perf_counter() - t0) * 1e6 / max(count, 1)
    return f"{int(us)} microseconds per iteration"


def cmd_exists(F, argv):
    n = len(argv)
    if n == 2:
        return int(F.interp.var_exists_f(F, S(argv[1])))
    if n == 3:
        opt = get_enum(argv[1], ["-command", "-proc", "-alias", "-var"])
        name = S(argv[2])
        if opt == "-var":
            return int(F.interp.var_exists_f(F, name))
        fn = F.interp.lookup(F, name)
        if opt == "-proc":
            return int(fn is not None and F.interp.proc_of(fn) is not None)
        if opt == "-alias":
            return int(getattr(fn, "alias_target", None) is not None)
        return int(fn is not None)
    raise wrong_args(argv, 1, "?option? name")


def cmd_local(F, argv):
    if len(argv) < 2:
        raise wrong_args(argv, 1, "cmd ?args ...?")
    r = F.interp.invoke(F, list(argv[1:]), F.where)
    if F.level > 0:
        if F.cleanup is None:
            F.cleanup = []
        F.cleanup.append(S(r))
    return r


COMMANDS = {
    "set": cmd_set, "unset": cmd_unset, "incr": cmd_incr, "append": cmd_append,
    "if": cmd_if, "while": cmd_while, "for": cmd_for, "foreach": cmd_foreach,
    "lmap": cmd_lmap, "break": cmd_break, "continue": cmd_continue, "return": cmd_return,
    "error": cmd_error, "catch": cmd_catch, "try": cmd_try, "throw": cmd_throw,
    "proc": cmd_proc, "apply": cmd_apply, "rename": cmd_rename, "eval": cmd_eval,
    "uplevel": cmd_uplevel, "upvar": cmd_upvar, "global": cmd_global,
    "expr": cmd_expr, "exit": cmd_exit, "source": cmd_source,
    "subst": cmd_subst, "tailcall": cmd_tailcall, "switch": cmd_switch, "time": cmd_time,
    "exists": cmd_exists, "local": cmd_local,
}

__all__ = ["COMMANDS", "Var", "TclOther", "wrap", "re"]

"""Helpers shared by the command modules: argument errors, option tables."""

from __future__ import annotations

from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import S, get_int, int_of


def wrong_args(argv: list, n: int, usage: str) -> TclError:
    """Jim's `wrong # args: should be "<first n words> usage"`."""
    head = " ".join(S(a) for a in argv[:n])
    text = f"{head} {usage}" if usage else head
    return TclError(f'wrong # args: should be "{text}"')


def enum_error(arg: str, table: list[str], what: str = "option", bad: str = "bad ") -> TclError:
    names = sorted(table)
    if len(names) > 1:
        body = ", ".join(names[:-1]) + ", or " + names[-1]
    else:
        body = names[0]
    return TclError(f'{bad}{what} "{arg}": must be {body}')


def get_enum(arg: object, table: list[str], what: str = "option", abbrev: bool = True) -> str:
    """Match `arg` against `table` (unique prefixes allowed), Jim_GetEnum style."""
    s = S(arg)
    if s in table:
        return s
    match = None
    if abbrev and s and s != "-":
        for t in table:
            if t.startswith(s):
                if match is not None:
                    raise enum_error(s, table, what, "ambiguous ")
                match = t
    if match is None:
        raise enum_error(s, table, what)
    return match


def subcmd_error(cmd: str, arg: str, table: list[str]) -> TclError:
    """jim-subcmd's message for an unknown subcommand (array, file, clock)."""
    return TclError(f'{cmd}, unknown command "{arg}": should be {", ".join(sorted(table))}')


def get_int_expr(interp, F, v: object) -> int:
    """An integer argument that may also be an expression (Jim_GetWideExpr)."""
    if v.__class__ is int:
        return v  # type: ignore[return-value]
    s = S(v)
    r = int_of(s)
    if r is not None:
        return r
    try:
        res = interp.eval_expr(F, s)
        return get_int(res)
    except TclError:
        raise TclError(f'expected integer expression but got "{s}"') from None


def glob_match(pattern: str, s: str, nocase: bool = False) -> bool:
    """Tcl `string match` glob: * ? [chars] [a-z] and backslash escapes."""
    if nocase:
        pattern = pattern.lower()
        s = s.lower()
    return _gm(pattern, 0, s, 0)


def _gm(p: str, pi: int, s: str, si: int) -> bool:
    np, ns = len(p), len(s)
    while pi < np:
        c = p[pi]
        if c == "*":
            while pi < np and p[pi] == "*":
                pi += 1
            if pi == np:
                return True
            for k in range(si, ns + 1):
                if _gm(p, pi, s, k):
                    return True
            return False
        if si >= ns:
            return False
        if c == "?":
            pi += 1
            si += 1
            continue
        if c == "[":
            pi += 1
            matched = False
            ch = s[si]
            while pi < np and p[pi] != "]":
                lo = p[pi]
                if lo == "\\" and pi + 1 < np:
                    pi += 1
                    lo = p[pi]
                if pi + 2 < np and p[pi + 1] == "-" and p[pi + 2] != "]":
                    hi = p[pi + 2]
                    a, b = (lo, hi) if lo <= hi else (hi, lo)
                    if a <= ch <= b:
                        matched = True
                    pi += 3
                else:
                    if lo == ch:
                        matched = True
                    pi += 1
            if pi < np:
                pi += 1  # the ]
            if not matched:
                return False
            si += 1
            continue
        if c == "\\" and pi + 1 < np:
            pi += 1
            c = p[pi]
        if c != s[si]:
            return False
        pi += 1
        si += 1
    return si == ns

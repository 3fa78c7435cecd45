"""Expression operators with Jim's semantics (64-bit wrapping integers, doubles, strings).

Compiled expressions call these. Integer operands take the integer path unless one is
a double (Jim: "pure" doubles and strings that only parse as doubles); comparisons
fall back to string comparison when an operand is not a number.
"""

from __future__ import annotations

from ocdpy.tcl.errors import TclError
from ocdpy.tcl.values import (
    INT_MAX,
    INT_MIN,
    S,
    TclList,
    bool_of,
    int_of,
    list_of,
    wrap,
)
from ocdpy.tcl.values import double_of as _double  # a double operand, or None
from ocdpy.tcl.values import get_int as _need_int  # an integer operand, or Jim's error

_INF = float("inf")


def _wide(v: object) -> int | None:
    """Jim's JimGetWideNoErr for the integer path (doubles never take it)."""
    c = v.__class__
    if c is int:
        return v  # type: ignore[return-value]
    if c is float:
        return None
    return int_of(S(v))


def _arith_slow(op: str, a: object, b: object) -> object:
    wa = _wide(a)
    wb = _wide(b) if wa is not None else None
    if wa is not None and wb is not None:
        return _int_op(op, wa, wb)
    da = _double(a)
    db = _double(b) if da is not None else None
    if da is not None and db is not None:
        return _dbl_op(op, da, db)
    if op in _CMP:
        sa, sb = S(a), S(b)
        c = (sa > sb) - (sa < sb)
        return _CMP[op](c, 0)
    if da is None:
        raise TclError(f'expected floating-point number but got "{S(a)}"')
    raise TclError(f'expected floating-point number but got "{S(b)}"')


_CMP = {
    "<": lambda x, y: int(x < y), ">": lambda x, y: int(x > y),
    "<=": lambda x, y: int(x <= y), ">=": lambda x, y: int(x >= y),
    "==": lambda x, y: int(x == y), "!=": lambda x, y: int(x != y),
}


def _int_op(op: str, a: int, b: int) -> int:
    if op == "+":
        return wrap(a + b)
    if op == "-":
        return wrap(a - b)
    if op == "*":
        return wrap(a * b)
    if op == "/":
        if b == 0:
            raise TclError("Division by zero")
        return wrap(a // b)
    if op == "**":
        if a == 0 and b < 0:
            raise TclError("exponentiation of zero by negative power")
        return int_pow(a, b)
    return _CMP[op](a, b)


def int_pow(b: int, e: int) -> int:
    if b == 1:
        return 1
    if e < 0:
        if b != -1:
            return 0
        e = -e
    if e > 64 and b not in (0, 1, -1):
        r = 1
        while e:
            if e & 1:
                r = wrap(r * b)
            e >>= 1
            b = wrap(b * b)
        return r
    return wrap(b ** e)


def _dbl_op(op: str, a: float, b: float) -> object:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            return -_INF if a < 0 else _INF
        return a / b
    if op == "**":
        raise TclError("unsupported")
    return _CMP[op](a, b)


def add(a: object, b: object) -> object:
    if a.__class__ is int and b.__class__ is int:
        r = a + b  # type: ignore[operator]
        if INT_MIN <= r <= INT_MAX:
            return r
        return wrap(r)
    return _arith_slow("+", a, b)


def sub(a: object, b: object) -> object:
    if a.__class__ is int and b.__class__ is int:
        r = a - b  # type: ignore[operator]
        if INT_MIN <= r <= INT_MAX:
            return r
        return wrap(r)
    return _arith_slow("-", a, b)


def mul(a: object, b: object) -> object:
    if a.__class__ is int and b.__class__ is int:
        r = a * b  # type: ignore[operator]
        if INT_MIN <= r <= INT_MAX:
            return r
        return wrap(r)
    return _arith_slow("*", a, b)


def div(a: object, b: object) -> object:
    return _arith_slow("/", a, b)


def pow_(a: object, b: object) -> object:
    return _arith_slow("**", a, b)


def lt(a: object, b: object) -> int:
    if a.__class__ is int and b.__class__ is int:
        return 1 if a < b else 0  # type: ignore[operator]
    return _arith_slow("<", a, b)  # type: ignore[return-value]


def gt(a: object, b: object) -> int:
    if a.__class__ is int and b.__class__ is int:
        return 1 if a > b else 0  # type: ignore[operator]
    return _arith_slow(">", a, b)  # type: ignore[return-value]


def le(a: object, b: object) -> int:
    if a.__class__ is int and b.__class__ is int:
        return 1 if a <= b else 0  # type: ignore[operator]
    return _arith_slow("<=", a, b)  # type: ignore[return-value]


def ge(a: object, b: object) -> int:
    if a.__class__ is int and b.__class__ is int:
        return 1 if a >= b else 0  # type: ignore[operator]
    return _arith_slow(">=", a, b)  # type: ignore[return-value]


def eq(a: object, b: object) -> int:
    if a.__class__ is int and b.__class__ is int:
        return 1 if a == b else 0
    return _arith_slow("==", a, b)  # type: ignore[return-value]


def ne(a: object, b: object) -> int:
    if a.__class__ is int and b.__class__ is int:
        return 1 if a != b else 0
    return _arith_slow("!=", a, b)  # type: ignore[return-value]


def mod(a: object, b: object) -> int:
    x = _need_int(a)
    y = _need_int(b)
    if y == 0:
        # Jim reports this error with the message "0"
        raise TclError("0")
    neg = y < 0
    if neg:
        y = -y
        x = -x
    r = x % y
    return wrap(-r if neg else r)


def _shift_count(b: int) -> int:
    return b & 63


def lshift(a: object, b: object) -> int:
    return wrap(_need_int(a) << _shift_count(_need_int(b)))


def rshift(a: object, b: object) -> int:
    return _need_int(a) >> _shift_count(_need_int(b))


def rotl(a: object, b: object) -> int:
    x = _need_int(a) & 0xFFFFFFFFFFFFFFFF
    n = _need_int(b) % 64
    r = ((x << n) | (x >> (64 - n))) & 0xFFFFFFFFFFFFFFFF
    return wrap(r)


def rotr(a: object, b: object) -> int:
    x = _need_int(a) & 0xFFFFFFFFFFFFFFFF
    n = 64 - (_need_int(b) % 64)
    r = ((x << n) | (x >> (64 - n))) & 0xFFFFFFFFFFFFFFFF
    return wrap(r)


def band(a: object, b: object) -> int:
    return _need_int(a) & _need_int(b)


def bxor(a: object, b: object) -> int:
    return _need_int(a) ^ _need_int(b)


def bor(a: object, b: object) -> int:
    return _need_int(a) | _need_int(b)


def streq(a: object, b: object) -> int:
    return 1 if S(a) == S(b) else 0


def strne(a: object, b: object) -> int:
    return 0 if S(a) == S(b) else 1


def strlt(a: object, b: object) -> int:
    return 1 if S(a) < S(b) else 0


def strgt(a: object, b: object) -> int:
    return 1 if S(a) > S(b) else 0


def strle(a: object, b: object) -> int:
    return 1 if S(a) <= S(b) else 0


def strge(a: object, b: object) -> int:
    return 1 if S(a) >= S(b) else 0


def in_(a: object, b: object) -> int:
    s = S(a)
    for x in list_of(b):
        if S(x) == s:
            return 1
    return 0


def ni(a: object, b: object) -> int:
    return 1 - in_(a, b)


def neg(a: object) -> object:
    w = _wide(a)
    if w is not None:
        return wrap(-w)
    d = _double(a)
    if d is not None:
        return -d
    raise TclError(f'expected boolean but got "{S(a)}"')


def pos(a: object) -> object:
    w = _wide(a)
    if w is not None:
        return w
    d = _double(a)
    if d is not None:
        return d
    raise TclError(f'expected boolean but got "{S(a)}"')


def not_(a: object) -> int:
    w = _wide(a)
    if w is not None:
        return 0 if w else 1
    d = _double(a)
    if d is not None:
        return 0 if d else 1
    b = bool_of(a)
    if b is None:
        raise TclError(f'expected boolean but got "{S(a)}"')
    return 0 if b else 1


def bnot(a: object) -> int:
    return ~_need_int(a)


def truth(v: object) -> bool:
    """The boolean value of an expression result (if/while/&&/||/?:)."""
    c = v.__class__
    if c is int:
        return v != 0
    b = bool_of(v)
    if b is None:
        raise TclError(f'expected boolean but got "{S(v)}"')
    return b


def _d2w(d: float) -> int:
    if d != d or d >= 9.2233720368547758e18 or d < -9.2233720368547758e18:
        return INT_MIN
    return int(d)


def f_int(a: object) -> int:
    w = _wide(a)
    if w is not None:
        return w
    d = _double(a)
    if d is not None:
        return _d2w(d)
    raise TclError(f'expected boolean but got "{S(a)}"')


def f_round(a: object) -> int:
    w = _wide(a)
    if w is not None:
        return w
    d = _double(a)
    if d is not None:
        return _d2w(d - 0.5 if d < 0 else d + 0.5)
    raise TclError(f'expected boolean but got "{S(a)}"')


def f_double(a: object) -> float:
    w = _wide(a)
    if w is not None:
        return float(w)
    d = _double(a)
    if d is not None:
        return d
    raise TclError(f'expected boolean but got "{S(a)}"')


def f_abs(a: object) -> object:
    w = _wide(a)
    if w is not None:
        return wrap(-w) if w < 0 else w
    d = _double(a)
    if d is not None:
        return -d if d < 0 else d
    raise TclError(f'expected boolean but got "{S(a)}"')


_rng = None


def _gen():
    global _rng
    if _rng is None:
        import random

        _rng = random.Random()
    return _rng


def f_rand() -> float:
    return _gen().random()


def f_srand(a: object) -> float:
    g = _gen()
    g.seed(_need_int(a))
    return g.random()


BIN_FUNCS = {
    "+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow_", "%": "mod",
    "<": "lt", ">": "gt", "<=": "le", ">=": "ge", "==": "eq", "!=": "ne",
    "<<": "lshift", ">>": "rshift", "<<<": "rotl", ">>>": "rotr",
    "&": "band", "^": "bxor", "|": "bor",
    "eq": "streq", "ne": "strne", "lt": "strlt", "gt": "strgt", "le": "strle", "ge": "strge",
    "in": "in_", "ni": "ni",
}
UN_FUNCS = {"-": "neg", "+": "pos", "!": "not_", "~": "bnot"}
FN_FUNCS = {"int": "f_int", "wide": "f_int", "round": "f_round", "double": "f_double",
            "abs": "f_abs", "rand": "f_rand", "srand": "f_srand"}

__all__ = ["TclList"]

"""The hand-tuned scanner and expression parser agree with grammar/*.lark."""

from __future__ import annotations

import functools

import pytest

from ocdpy.resources import grammar_path
from ocdpy.tcl.exprparse import parse_expr
from ocdpy.tcl.parser import parse

SCRIPTS = [
    "set x 1",
    "set x [foo {a b} \"q $y(1)\"]; # c\nputs {*}$l a\"b\n# comment\nif {$a} {\n  b\n} else { c }\n",
    "proc p {a {b 2} args} {\n  return [list $a $b $args]\n}\np 1 2 3\n",
    "puts \"a\\tb\\x41\\u00e9\"; set ${odd name} 5\n",
    "foreach {k v} $d {\n  puts \"$k=$v\"\n}\n",
    "set a(1) [expr {$x + [llength $l] * 2}]\nputs $::a(1)\n",
    "set s {a\\\n  b}\nputs a\\\n  b\n",
    "\n\n  ;;  \n# only comments\\\n still comment\nputs end\n",
    "eval [list set q [list a b [list c d]]]",
]

EXPRS = [
    "1 + 2 * 3", "-2 ** 2", "2 ** 3 ** 2", "$x + $i * 2", "1 ? 2 : 3 ? 4 : 5",
    "int(3.5) + rand()", "\"a $b\" eq {c}", "[foo] in $l", "1 | 2 ^ 3 & 4",
    "1 << 2 + 1", "8 >> 1 == 4", "a lt b == 1", "!$x && ~3 || 0x1F",
    "(1 + 2) * 3", "abs(-5) < 0b101 ne 0o7",
]


@functools.cache
def _lark(name: str, parser: str):
    lark = pytest.importorskip("lark")
    text = grammar_path(name).read_text()
    if parser == "lalr":
        return lark.Lark(text, parser="lalr")
    return lark.Lark(text, parser="earley", lexer="dynamic", ambiguity="resolve",
                     propagate_positions=True)


def _lark_shape(src: str) -> list[tuple[int, int]]:
    tree = _lark("tcl.lark", "earley").parse(src)
    out = []
    for c in tree.iter_subtrees_topdown():
        if c.data == "command" and _is_top(tree, c):
            words = [w for w in c.children if getattr(w, "data", None) == "word"]
            out.append((c.meta.line, len(words)))
    return out


def _is_top(tree, node) -> bool:
    return node in tree.children


def _scanner_shape(src: str) -> list[tuple[int, int]]:
    sc = parse(src)
    assert sc.error is None
    return [(c.line, len(c.words)) for c in sc.cmds]


# Where tcl.lark/expr.lark do not yet describe Jim exactly (tracked, strict xfail).
GAPS = {
    SCRIPTS[1], SCRIPTS[2], SCRIPTS[4], SCRIPTS[6], SCRIPTS[7],
    "1 | 2 ^ 3 & 4", "a lt b == 1", "!$x && ~3 || 0x1F",
}


def _cases(items):
    return [pytest.param(s, marks=pytest.mark.xfail(strict=True, reason="grammar gap"))
            if s in GAPS else s for s in items]


@pytest.mark.parametrize("src", _cases(SCRIPTS))
def test_scanner_agrees_with_tcl_lark(src: str) -> None:
    assert _scanner_shape(src) == _lark_shape(src)


def _tree_of_lark(t) -> str:
    from lark import Token

    if isinstance(t, Token):
        return str(t)
    kids = [_tree_of_lark(c) for c in t.children]
    if t.data in ("number", "string", "word"):
        return kids[0]
    if t.data == "call":
        return f"{kids[0]}({','.join(kids[1:])})"
    if t.data == "ternary":
        return f"({kids[0]}?{kids[1]}:{kids[2]})"
    if t.data == "unary":
        return f"({kids[0]}{kids[1]})"
    # left-assoc chain a op b op c, except ** (right)
    if t.data == "pow":
        return f"({kids[0]}**{kids[2]})"
    acc = kids[0]
    for i in range(1, len(kids), 2):
        acc = f"({acc}{kids[i]}{kids[i + 1]})"
    return acc


def _tree_of_ours(n) -> str:
    k = n[0]
    if k == "num":
        return str(n[1])
    if k == "str":
        return n[1]
    if k == "word":
        p = n[1][0]
        return {"v": "$" + str(p[1]), "c": "[" + str(p[1]) + "]"}.get(p[0], str(p[1]))
    if k == "un":
        return f"({n[1]}{_tree_of_ours(n[2])})"
    if k == "bin":
        return f"({_tree_of_ours(n[2])}{n[1]}{_tree_of_ours(n[3])})"
    if k in ("and", "or"):
        op = "&&" if k == "and" else "||"
        return f"({_tree_of_ours(n[1])}{op}{_tree_of_ours(n[2])})"
    if k == "tern":
        return f"({_tree_of_ours(n[1])}?{_tree_of_ours(n[2])}:{_tree_of_ours(n[3])})"
    return f"{n[1]}({','.join(_tree_of_ours(a) for a in n[2])})"


def _norm(s: str) -> str:
    return s.replace("0x1F", "31").replace("0b101", "5").replace("0o7", "7").replace('"a $b"', "$b")


@pytest.mark.parametrize("src", _cases(EXPRS))
def test_expr_parser_agrees_with_expr_lark(src: str) -> None:
    if '"' in src:
        pytest.skip("quoted strings compare by substitution parts")
    ours = _tree_of_ours(parse_expr(src))
    theirs = _tree_of_lark(_lark("expr.lark", "lalr").parse(src))
    assert _norm(ours) == _norm(theirs)

"""grammar/tcl.lark and grammar/expr.lark agree with the interpreter's hand-tuned parsers.

Scripts: every corpus script, the broken-script samples and every file of OpenOCD's
script tree read to the same commands, words and parts (with `[script]` parts read
recursively) through lark and through `ocdpy.tcl.parser`; scripts Jim refuses give the
same message and line both ways. Expressions: the same operator tree from expr.lark and
from `ocdpy.tcl.exprparse`, on samples and on every braced `expr`/`if`/`while`/`for`
condition of the corpus.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ocdpy.tcl.exprparse import parse_expr
from ocdpy.tcl.larkgrammar import TclSyntaxError, lark_structure, scanner_structure
from ocdpy.tcl.parser import parse
from tests.differential.tcl import runner

pytest.importorskip("lark")

OPENOCD_TREE = Path("/usr/share/openocd/scripts")

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
    "set x {{{{{{deep}}}}}}; puts [a [b [c [d [e]]]]]\n",
    "puts $a([b $c(d)] e)$(1+2)\\\n x \"\"\n",
    "puts [ # comment in brackets ]\nputs {*}{a b} {*}[list c]\n",
]

BROKEN = [
    ("puts {a", "missing close-brace", 1),
    ("\nset x {a}b", "extra characters after close-brace", 2),
    ('puts "abc', "missing quote", 1),
    ("puts [a b\n\n", 'unmatched "["', 1),
    ('puts [a "b]', "missing quote", 1),
]


def _both(src: str):
    def read(fn):
        try:
            return fn(src)
        except TclSyntaxError as e:
            return ("error", e.message, e.line)

    return read(scanner_structure), read(lark_structure)


@pytest.mark.parametrize("src", SCRIPTS)
def test_sample_scripts_agree(src: str) -> None:
    ours, theirs = _both(src)
    assert ours == theirs
    assert ours and ours[0] != "error"


@pytest.mark.parametrize(("src", "message", "line"), BROKEN)
def test_broken_scripts_give_the_same_error(src: str, message: str, line: int) -> None:
    ours, theirs = _both(src)
    assert ours == theirs == ("error", message, line)


def test_structure_shows_words_and_parts() -> None:
    tree = lark_structure('puts $a($i) "x [y] ${z}"\n{*}$l')
    assert tree == [
        (1, [(False, "parts", [("t", "puts")]),
             (False, "parts", [("v", "a", [("v", "i", None)])]),
             (False, "parts", [("t", "x "), ("c", [(1, [(False, "parts", [("t", "y")])])]),
                               ("t", " "), ("v", "z", None)])]),
        (2, [(True, "parts", [("v", "l", None)])]),
    ]


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    return sorted(p for pat in patterns for p in root.rglob(pat))


def _disagreements(paths: list[Path]) -> list[str]:
    bad = []
    for p in paths:
        ours, theirs = _both(p.read_bytes().decode("latin-1"))
        if ours != theirs:
            bad.append(str(p))
    return bad


def test_corpus_scripts_agree() -> None:
    paths = runner.corpus() + _files(runner.BROKEN, ("*.tcl", "*.cfg"))
    assert len(paths) > 300
    assert _disagreements(paths) == []


def test_openocd_script_tree_agrees() -> None:
    if not OPENOCD_TREE.is_dir():
        pytest.skip("OpenOCD's script tree is not installed (apt-get install openocd)")
    paths = _files(OPENOCD_TREE, ("*.cfg", "*.tcl"))
    assert len(paths) > 500
    assert _disagreements(paths) == []


def test_random_scripts_agree() -> None:
    """Scripts made of Tcl's special characters: same structure or same error."""
    rng = random.Random(2)
    alphabet = list('{}[]"$\\;\n #()ab:*\t0x') + ["{*}", "\\\n", "::", "${", "$(", "set "]
    for _ in range(3000):
        src = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        ours, theirs = _both(src)
        assert ours == theirs, repr(src)


# ---------------------------------------------------------------- expressions

EXPRS = [
    "1 + 2 * 3", "-2 ** 2", "2 ** 3 ** 2", "$x + $i * 2", "1 ? 2 : 3 ? 4 : 5",
    "int(3.5) + rand()", "\"a $b\" eq {c}", "[foo] in $l", "1 | 2 ^ 3 & 4",
    "1 << 2 + 1", "8 >> 1 == 4", "{a} lt {b} == 1", "!$x && ~3 || 0x1F",
    "(1 + 2) * 3", "abs(-5) < 0b101 ne 0o7", "$a(1) <= 3 || $b ni {x y} && !true",
    "1 <<< 3 >>> 2", "-$x ** 2 % 3", "srand(1) + double(2) / wide(3) - round(1.5)",
]


def _expr_parser():
    from ocdpy.tcl.larkgrammar import expr_parser

    return expr_parser()


def _shape_of_lark(t) -> str:
    from lark import Token

    if isinstance(t, Token):
        return "_"
    kids = t.children
    d = t.data
    if d in ("number", "string", "word"):
        return "_"
    if d == "start":  # a top-level comma list: Jim's value is the first one
        return _shape_of_lark(kids[0])
    if d == "call":
        return f"{kids[0]}({','.join(_shape_of_lark(k) for k in kids[1:])})"
    if d == "ternary":
        return f"({_shape_of_lark(kids[0])}?{_shape_of_lark(kids[1])}:{_shape_of_lark(kids[2])})"
    if d == "unary":
        return f"({kids[0]}{_shape_of_lark(kids[1])})"
    if d == "pow":
        return f"({_shape_of_lark(kids[0])}**{_shape_of_lark(kids[2])})"
    acc = _shape_of_lark(kids[0])
    for i in range(1, len(kids), 2):
        acc = f"({acc}{kids[i]}{_shape_of_lark(kids[i + 1])})"
    return acc


def _shape_of_ours(n) -> str:
    k = n[0]
    if k in ("num", "str", "word"):
        return "_"
    if k == "un":
        return f"({n[1]}{_shape_of_ours(n[2])})"
    if k == "bin":
        return f"({_shape_of_ours(n[2])}{n[1]}{_shape_of_ours(n[3])})"
    if k in ("and", "or"):
        op = "&&" if k == "and" else "||"
        return f"({_shape_of_ours(n[1])}{op}{_shape_of_ours(n[2])})"
    if k == "tern":
        return f"({_shape_of_ours(n[1])}?{_shape_of_ours(n[2])}:{_shape_of_ours(n[3])})"
    return f"{n[1]}({','.join(_shape_of_ours(a) for a in n[2])})"


@pytest.mark.parametrize("src", EXPRS)
def test_expr_parser_agrees_with_expr_lark(src: str) -> None:
    assert _shape_of_ours(parse_expr(src)) == _shape_of_lark(_expr_parser().parse(src))


def _corpus_conditions() -> list[str]:
    """Braced expressions of expr/if/while/for commands anywhere in the corpus."""
    found: list[str] = []
    todo = [p.read_bytes().decode("latin-1") for p in runner.corpus()]
    while todo:
        sc = parse(todo.pop())
        if sc.error:
            continue
        for cmd in sc.cmds:
            ws = cmd.words
            for w in ws:
                if w.braced:
                    todo.append(w.const)
                for part in w.parts:
                    if part[0] == "c":
                        todo.append(part[1])
            name = ws[0].const
            picks = {"expr": [1], "if": [1], "while": [1], "for": [2]}.get(name or "", [])
            for k in picks:
                if k < len(ws) and ws[k].braced and len(ws) > k:
                    found.append(ws[k].const)
    return found


def test_corpus_expressions_agree() -> None:
    from ocdpy.tcl.errors import TclError

    checked = 0
    for src in _corpus_conditions():
        try:
            ours = _shape_of_ours(parse_expr(src))
        except TclError:
            continue  # Jim rejects it too; the corpus checks those messages
        assert ours == _shape_of_lark(_expr_parser().parse(src)), src
        checked += 1
    assert checked > 200

"""Differential test: every corpus script behaves the same in jimsh and in ocdpy.tcl.

Same stdout, same stderr (uncaught error reports with file:line and trace included) and
same exit code, byte for byte. See runner.py for how scripts are run and docs/testing.md.
"""

from __future__ import annotations

import re

import pytest

from tests.differential.tcl import runner
from tests.oracles import need

SCRIPTS = runner.corpus()

# Every command the engine must provide (issue 2, Build items 2-4) must be exercised by
# at least one script, so the corpus cannot silently lose coverage.
COMMANDS = """
set unset incr append lappend list llength lindex lrange lsearch lsort linsert lreplace
lassign lrepeat lreverse lmap concat join split string format scan regexp regsub subst
eval uplevel upvar global variable proc apply rename info if for foreach while break
continue return error catch try throw switch expr puts array dict source file clock exit
namespace lset
""".split()

SUBCOMMANDS = {
    "string": "is map match range compare equal first last trim trimleft trimright repeat "
              "reverse replace cat index length tolower toupper totitle bytelength",
    "info": "exists commands procs vars locals globals level args body script complete",
    "file": "dirname tail join exists extension rootname normalize split",
    "clock": "seconds milliseconds",
    "array": "set get names size exists unset",
    "dict": "create get set unset exists keys values size merge replace remove incr append "
            "lappend for update with getwithdefault",
    "namespace": "eval current tail qualifiers parent delete which",
}

# Options and clauses whose behaviour the issue names.
OPTIONS = {
    "switch": ["-exact", "-glob", "-regexp", "--"],
    "lsort": ["-integer", "-real", "-decreasing", "-nocase", "-unique", "-index", "-command", "-stride"],
    "lsearch": ["-exact", "-glob", "-regexp", "-all", "-inline", "-not", "-nocase", "-index"],
    "regexp": ["-nocase", "-all", "-inline", "-indices", "-line", "-start"],
    "regsub": ["-all", "-nocase", "-start", "-line"],
    "return": ["-code", "-level"],
    "catch": ["-exit", "-noerror", "-nobreak"],
    "subst": ["-nocommands", "-novariables", "-nobackslashes"],
    "unset": ["-nocomplain"],
    "puts": ["-nonewline"],
}

# Syntax rules, each as a pattern some script must contain.
SYNTAX = {
    "expansion {*}": r"\{\*\}",
    "braced variable ${...}": r"\$\{[^}]*\}",
    "array element $a(...)": r"\$[A-Za-z_]+\(",
    "global-qualified $::x": r"\$::[A-Za-z_]",
    "command substitution nested": r"\[[^\]\n]*\[",
    "backslash-newline": r"\\\n",
    "\\xHH": r"\\x[0-9A-Fa-f]",
    "\\uHHHH": r"\\u[0-9A-Fa-f]{4}",
    "\\U": r"\\U[0-9A-Fa-f]",
    "\\ooo octal": r"\\[0-7]{3}",
    "\\a \\b \\f \\v": r"\\a.*\\b.*\\f.*\\v",
    "comment after ;": r";\s*#",
    "hex literal": r"0x[0-9a-fA-F]",
    "octal literal 0o": r"0o[0-7]",
    "binary literal 0b": r"0b[01]",
    "operator **": r"\*\*",
    "operator eq/ne": r"\b(eq|ne)\b",
    "operator in/ni": r"\b(in|ni)\b",
    "ternary": r"\?[^:]*:",
    "shift": r"<<|>>",
}


def _corpus_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in SCRIPTS)


@pytest.mark.oracle("jimsh")
@pytest.mark.parametrize("script", SCRIPTS, ids=[runner.script_id(p) for p in SCRIPTS])
def test_script_matches_jimsh(script):
    jimsh = need("jimsh")
    want = runner.run_jimsh(jimsh, script)
    assert want.returncode is not None, f"{runner.script_id(script)}: jimsh itself timed out"
    got = runner.run_candidate(script)
    report = runner.compare(runner.script_id(script), want, got)
    if report:
        pytest.fail(report, pytrace=False)


def test_corpus_is_large_enough():
    assert len(SCRIPTS) >= 300, f"only {len(SCRIPTS)} scripts in {runner.SCRIPTS}"


def test_corpus_file_names():
    # area/NNN_topic.tcl, numbers unique within an area.
    seen: dict[tuple[str, str], str] = {}
    bad = []
    for path in SCRIPTS:
        rel = runner.script_id(path)
        m = re.fullmatch(r"([a-z]+)/(\d{3})_[a-z0-9_]+\.tcl", rel)
        if not m:
            bad.append(f"{rel}: not area/NNN_topic.tcl")
            continue
        key = (m.group(1), m.group(2))
        if key in seen:
            bad.append(f"{rel}: number also used by {seen[key]}")
        seen[key] = rel
    assert not bad, "\n".join(bad)


def test_every_command_is_covered():
    text = _corpus_text()
    missing = [c for c in COMMANDS
               if not re.search(rf"(^|[\s\[{{;]){re.escape(c)}(?=[\s\];}}]|$)", text, re.M)]
    assert not missing, f"commands no corpus script uses: {missing}"


def test_every_subcommand_is_covered():
    text = _corpus_text()
    missing = [f"{cmd} {sub}" for cmd, subs in SUBCOMMANDS.items() for sub in subs.split()
               if not re.search(rf"\b{cmd}\s+{sub}\b", text)]
    assert not missing, f"subcommands no corpus script uses: {missing}"


def test_every_option_is_covered():
    text = _corpus_text()
    missing = [f"{cmd} {opt}" for cmd, opts in OPTIONS.items() for opt in opts
               if not re.search(rf"\b{cmd}\b[^\n]*\s{re.escape(opt)}(?=[\s\]]|$)", text, re.M)]
    assert not missing, f"options no corpus script uses: {missing}"


def test_every_syntax_rule_is_covered():
    text = _corpus_text()
    missing = [name for name, pattern in SYNTAX.items() if not re.search(pattern, text, re.S)]
    assert not missing, f"syntax rules no corpus script shows: {missing}"


def test_try_clauses_are_covered():
    text = _corpus_text()
    for clause in (r"\bon error\b", r"\bfinally\b", r"\btrap\b", r"\bon (ok|break|continue|return)\b"):
        assert re.search(clause, text), f"no script uses try clause {clause}"


@pytest.mark.oracle("jimsh")
def test_many_scripts_end_in_an_uncaught_error():
    # The uncaught error report (file:line, trace, exit 1) is compared too.
    jimsh = need("jimsh")
    failing = sum(1 for s in SCRIPTS if runner.run_jimsh(jimsh, s).returncode == 1)
    assert failing >= 100, f"only {failing} scripts end in an uncaught error"


@pytest.mark.oracle("jimsh")
def test_corpus_is_deterministic_in_jimsh():
    jimsh = need("jimsh")
    unstable = [runner.script_id(s) for s in SCRIPTS
                if runner.run_jimsh(jimsh, s) != runner.run_jimsh(jimsh, s)]
    assert not unstable, f"scripts whose jimsh output changes between runs: {unstable}"

"""`python -m ocdpy.tcl --check` over OpenOCD 0.12's whole script tree, and over broken files.

Every .cfg and .tcl file OpenOCD ships must parse without a word of output. Files that
are broken on purpose (tests/differential/tcl/broken/) must give exit 1 and one
`file:line: Error: message` line each, with the line and message jimsh reports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.differential.tcl import runner
from tests.oracles import need, need_openocd_scripts

# Batches by top-level folder, so a failure names its part of the tree and the work
# spreads over xdist workers; "other" takes every file not in a named folder.
BATCHES = ["board", "target", "interface", "other"]
NAMED = set(BATCHES) - {"other"}

BROKEN = sorted(p for p in runner.BROKEN.iterdir() if not p.name.startswith("valid_"))
VALID = runner.BROKEN / "valid_control.cfg"


def tree_files(root: Path) -> list[str]:
    """Every .cfg and .tcl file under root, as sorted paths relative to root."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.suffix in (".cfg", ".tcl") and p.is_file())


def batch_of(rel: str) -> str:
    top = rel.split("/", 1)[0]
    return top if top in NAMED and "/" in rel else "other"


def run_check(files: list[str], cwd: Path) -> runner.Outcome:
    argv = [*runner.candidate_command(), "--check", *files]
    return runner.run_command(argv, cwd, runner.candidate_env(), timeout=120)


def report_lines(outcome: runner.Outcome) -> list[str]:
    text = (outcome.stdout + outcome.stderr).decode("utf-8", "backslashreplace")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("batch", BATCHES)
def test_openocd_tree_parses(batch):
    root = Path(need_openocd_scripts())
    files = [f for f in tree_files(root) if batch_of(f) == batch]
    assert files, f"no files in batch {batch!r} under {root}"
    got = run_check(files, root)
    lines = report_lines(got)
    if got.returncode != 0 or lines:
        flagged = sorted({m.group(1) for line in lines if (m := re.match(r"([^:\s]+):\d+:", line))})
        pytest.fail(f"--check over {len(files)} {batch} files: exit {got.describe_rc()}, "
                    f"{len(flagged)} files reported:\n" + "\n".join(lines[:80]), pytrace=False)


@pytest.mark.oracle("openocd")
def test_tree_batches_cover_every_file():
    root = Path(need_openocd_scripts())
    files = tree_files(root)
    # OpenOCD 0.12's Debian package ships 886 such files; a much smaller tree means the
    # check would pass without testing much.
    assert len(files) >= 800, f"only {len(files)} .cfg/.tcl files under {root}"
    counts = {b: sum(1 for f in files if batch_of(f) == b) for b in BATCHES}
    assert sum(counts.values()) == len(files)
    assert all(counts.values()), counts


@pytest.mark.oracle("openocd")
@pytest.mark.oracle("jimsh")
def test_jimsh_finds_every_tree_file_complete(tmp_path):
    # The expectation above is right: Jim sees no unbalanced brace, quote or bracket.
    root = Path(need_openocd_scripts())
    jimsh = need("jimsh")
    probe = tmp_path / "complete.tcl"
    probe.write_text(
        "foreach f $argv {\n"
        "    set fh [open $f r]; set s [read $fh]; close $fh\n"
        "    if {![info complete $s]} { puts $f }\n"
        "}\n")
    files = tree_files(root)
    got = runner.run_command([jimsh, str(probe), *files], root, timeout=120)
    assert got.returncode == 0, got.stderr.decode(errors="replace")
    assert got.stdout == b"", f"jimsh finds these incomplete: {got.stdout.decode(errors='replace')}"


def jimsh_syntax_error(jimsh: str, path: Path) -> tuple[str, str]:
    """(line, message) of the syntax error jimsh reports for a broken file."""
    got = runner.run_jimsh(jimsh, path)
    first = got.stderr.decode("utf-8", "replace").splitlines()[0]
    m = re.fullmatch(rf"{re.escape(path.name)}:(\d+): Error: (.*)", first)
    assert got.returncode == 1 and m, f"jimsh did not report a syntax error for {path.name}: {first!r}"
    return m.group(1), m.group(2)


@pytest.mark.oracle("jimsh")
@pytest.mark.parametrize("path", BROKEN, ids=[p.name for p in BROKEN])
def test_check_reports_broken_file(path):
    line, message = jimsh_syntax_error(need("jimsh"), path)
    got = run_check([path.name], path.parent)
    lines = report_lines(got)
    assert got.returncode == 1, f"--check {path.name}: exit {got.describe_rc()}, output {lines}"
    want = re.compile(rf"{re.escape(path.name)}:{line}: (Error: )?{re.escape(message)}")
    assert any(want.fullmatch(x) for x in lines), (
        f"--check {path.name} should say `{path.name}:{line}: Error: {message}` "
        f"(as jimsh does); it said {lines}")


@pytest.mark.oracle("jimsh")
def test_check_reports_each_broken_file_in_one_run():
    jimsh = need("jimsh")
    names = [p.name for p in BROKEN] + [VALID.name]
    got = run_check(names, runner.BROKEN)
    lines = report_lines(got)
    assert got.returncode == 1
    for path in BROKEN:
        line, _ = jimsh_syntax_error(jimsh, path)
        assert any(x.startswith(f"{path.name}:{line}:") for x in lines), (path.name, lines)
    assert not any(VALID.name in x for x in lines), lines


def test_check_is_silent_on_valid_file():
    got = run_check([VALID.name], runner.BROKEN)
    assert (got.returncode, report_lines(got)) == (0, [])


def test_check_missing_file_fails():
    got = run_check(["no_such_file.cfg"], runner.BROKEN)
    lines = report_lines(got)
    assert got.returncode == 1
    assert any("no_such_file.cfg" in x for x in lines), lines
    assert not any("Traceback" in x for x in lines), lines

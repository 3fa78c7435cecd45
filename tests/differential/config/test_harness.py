"""The config-diff harness itself: fake programs with known output, and OpenOCD vs OpenOCD.

If the harness reported a match for two programs that differ, or a mismatch for the
same program twice, the whole suite's verdicts would be worthless; these tests pin that.
"""

from __future__ import annotations

import os
import sys
import textwrap

import pytest

from tests.differential.config import cases as matrix
from tests.differential.config.harness import (
    Case,
    base_env,
    candidate_command,
    normalise_error,
    reference_command,
    run_case,
    run_program,
)
from tests.oracles import need_openocd_scripts


def fake(tmp_path, name: str, body: str) -> list[str]:
    """A fake debugger: a Python script whose output and exit code the test chooses."""
    path = tmp_path / f"{name}.py"
    path.write_text("import os, sys, time\n" + textwrap.dedent(body))
    return [sys.executable, str(path)]


CASE = Case("unit", "target/x.cfg", ("-f", "target/x.cfg"), ("-f", "target/x.cfg"))

OK_F1 = """
    sys.stderr.write("Open On-Chip Debugger 0.12.0\\n")
    sys.stderr.write("ORACLE:stm32f1x.cpu|{name stm32f1x.flash driver stm32f1x}\\n")
    sys.stderr.write("shutdown command invoked\\n")
"""


def test_same_output_matches(tmp_path):
    out = run_case(CASE, fake(tmp_path, "a", OK_F1), fake(tmp_path, "b", OK_F1))
    assert out.matched, out.describe()
    assert out.reference.oracle == "ORACLE:stm32f1x.cpu|{name stm32f1x.flash driver stm32f1x}"
    assert out.reference.succeeded and out.reference.exit_code == 0


def test_different_target_names_are_reported(tmp_path):
    other = OK_F1.replace("ORACLE:stm32f1x.cpu", "ORACLE:stm32f1x.cpu0")
    out = run_case(CASE, fake(tmp_path, "a", OK_F1), fake(tmp_path, "b", other))
    assert out.differences == ["ORACLE line differs"]
    assert out.cause == "target names differ"
    text = out.describe()
    assert "ORACLE:stm32f1x.cpu|" in text and "ORACLE:stm32f1x.cpu0|" in text


def test_different_flash_list_is_reported(tmp_path):
    other = OK_F1.replace("driver stm32f1x}", "driver stm32f2x}")
    out = run_case(CASE, fake(tmp_path, "a", OK_F1), fake(tmp_path, "b", other))
    assert out.cause == "flash list differs"


def test_oracle_on_stdout_instead_of_stderr_is_a_difference(tmp_path):
    on_stdout = OK_F1.replace('sys.stderr.write("ORACLE', 'sys.stdout.write("ORACLE')
    out = run_case(CASE, fake(tmp_path, "a", OK_F1), fake(tmp_path, "b", on_stdout))
    assert out.differences == ["ORACLE line on stdout, openocd prints it on stderr"]


def test_success_against_failure_is_reported(tmp_path):
    failing = 'sys.stderr.write("Error: invalid command name \\"hla\\"\\n"); sys.exit(1)\n'
    out = run_case(CASE, fake(tmp_path, "a", OK_F1), fake(tmp_path, "b", failing))
    assert out.differences == ["openocd succeeded, ocdpy failed (exit 1)"]
    assert out.candidate.error == 'Error: invalid command name "hla"'


def test_failures_compare_the_first_error_line_only(tmp_path):
    ref = fake(tmp_path, "a", """
        print("Info : something", file=sys.stderr)
        print("Error: session transport is \\"swd\\" but your config requires JTAG", file=sys.stderr)
        print("Error: later line", file=sys.stderr)
        sys.exit(1)
    """)
    same_first = fake(tmp_path, "b", """
        print("Error: session transport is \\"swd\\" but your config requires JTAG", file=sys.stderr)
        print("Error: another later line", file=sys.stderr)
        sys.exit(1)
    """)
    other_first = fake(tmp_path, "c", """
        print("Error: transport swd is not supported here", file=sys.stderr)
        sys.exit(1)
    """)
    assert run_case(CASE, ref, same_first).matched
    out = run_case(CASE, ref, other_first)
    assert out.differences == ["first Error line differs"]
    assert out.cause == "different error message"


def test_a_crash_counts_as_failure_with_its_signal_exit_code(tmp_path):
    crash = fake(tmp_path, "a", "import signal; os.kill(os.getpid(), signal.SIGSEGV)\n")
    out = run_case(CASE, crash, fake(tmp_path, "b", OK_F1))
    assert out.reference.exit_code == 139
    assert out.differences == ["openocd failed (exit 139), ocdpy succeeded"]


def test_same_file_spelled_two_ways_is_the_same_location(tmp_path):
    tree = tmp_path / "share" / "scripts" / "target"
    tree.mkdir(parents=True)
    (tree / "a.cfg").write_text("\n")
    (tmp_path / "bin").mkdir()
    long = f"{tmp_path}/bin/../share/scripts/target/a.cfg"
    short = f"{tmp_path}/share/scripts/target/a.cfg"
    a = normalise_error(f"{long}:13: Error: boom", str(tmp_path))
    b = normalise_error(f"{short}:13: Error: boom", str(tmp_path))
    assert a == b == f"{short}:13: Error: boom"
    # Same file, different line: still a difference.
    assert normalise_error(f"{short}:14: Error: boom", str(tmp_path)) != a


def test_non_file_locations_are_kept_verbatim(tmp_path):
    line = "embedded:startup.tcl:154: Error: session transport is \"swd\""
    assert normalise_error(line, str(tmp_path)) == line
    ref = fake(tmp_path, "a", f"sys.stderr.write({line!r} + '\\n'); sys.exit(1)\n")
    ours = fake(tmp_path, "b", "sys.stderr.write('startup.tcl:154: Error: session transport is \"swd\"\\n'); sys.exit(1)\n")
    out = run_case(CASE, ref, ours)
    assert out.cause == "same message, different file:line location"


def test_own_tree_locations_compare_by_relative_name(tmp_path):
    theirs = tmp_path / "openocd" / "target"
    ours = tmp_path / "cfg" / "target"
    theirs.mkdir(parents=True)
    ours.mkdir(parents=True)
    (theirs / "stm32f1x.cfg").write_text("\n")
    (ours / "stm32f1x.cfg").write_text("\n")
    roots = (str(tmp_path / "openocd"), str(tmp_path / "cfg"))
    a = normalise_error(f"{theirs}/stm32f1x.cfg:40: Error: x", "/", roots, own_tree=True)
    b = normalise_error(f"{ours}/stm32f1x.cfg:12: Error: x", "/", roots, own_tree=True)
    assert a == b == "<scripts>/target/stm32f1x.cfg: Error: x"
    # Without own_tree the two different files stay different.
    assert normalise_error(f"{theirs}/stm32f1x.cfg:40: Error: x", "/", roots) != \
        normalise_error(f"{ours}/stm32f1x.cfg:40: Error: x", "/", roots)


def test_runs_are_isolated_from_the_user_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENOCD_SCRIPTS", "/somewhere/else")
    monkeypatch.setenv("HOME", "/root/should-not-be-seen")
    probe = fake(tmp_path, "a", """
        data = sys.stdin.read()
        print("ORACLE:" + "|".join([os.environ["HOME"], os.environ.get("OPENOCD_SCRIPTS", "-"),
              os.environ.get("OCDPY_NO_OPENOCD_SCRIPTS", "-"), os.getcwd(),
              repr(data), str(os.listdir(os.getcwd()))]), file=sys.stderr)
    """)
    own = Case("unit", "x", (), (), own_tree=True)
    out = run_case(own, probe, probe)
    ref_fields = out.reference.oracle.removeprefix("ORACLE:").split("|")
    cand_fields = out.candidate.oracle.removeprefix("ORACLE:").split("|")
    home, scripts, no_openocd, cwd, stdin, listing = ref_fields
    assert "ocdpy-cfgdiff-" in home and home != "/root/should-not-be-seen"
    assert scripts == "-"
    assert no_openocd == "-"  # only the candidate of an own-tree case gets it
    assert cand_fields[2] == "1"
    assert os.path.dirname(cwd) == os.path.dirname(home)  # same fresh temp dir
    assert stdin == "''" and listing == "[]"
    assert cand_fields[3] == cwd  # both sides run in the same working directory


def test_a_hung_program_is_killed_and_reported(tmp_path):
    hang = fake(tmp_path, "a", "sys.stderr.write('Info : waiting\\n'); sys.stderr.flush(); time.sleep(60)\n")
    env = base_env(str(tmp_path))
    res = run_program(hang, str(tmp_path), env, timeout=1.0)
    assert res.timed_out and res.exit_code is None and not res.succeeded
    assert res.last_line == "Info : waiting"


def test_candidate_override(monkeypatch):
    monkeypatch.setenv("OCDPY_CONFIG_DIFF_CANDIDATE", "openocd -d0")
    assert candidate_command() == ["openocd", "-d0"]
    monkeypatch.delenv("OCDPY_CONFIG_DIFF_CANDIDATE")
    assert candidate_command() == [sys.executable, "-m", "ocdpy"]


SELF_CHECK = [
    ("target-stlink", "target/stm32f1x.cfg"),        # success with a flash bank
    ("target-cmsis-dap", "target/at91sam9260.cfg"),  # failure, embedded:startup.tcl
    ("target-stlink", "target/ti_tms570.cfg"),       # failure with a file:line location
    ("target-cmsis-dap", "target/vd_riscv.cfg"),     # OpenOCD 0.12 crashes (SIGSEGV)
    ("board", "board/digilent_atlys.cfg"),           # failure, Error with empty message
    ("board", "board/stm32f103c8_blue_pill.cfg"),    # success that prints an Error line
]


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("group,name", SELF_CHECK, ids=[f"{g}:{n}" for g, n in SELF_CHECK])
def test_openocd_against_itself_matches(group, name):
    need_openocd_scripts()
    (case,) = [c for c in matrix.all_cases() if c.group == group and c.name == name]
    openocd = reference_command()
    out = run_case(case, openocd, openocd)
    assert out.matched, out.describe()
    assert out.reference.error_raw or out.reference.oracle or out.reference.exit_code


def test_a_python_traceback_is_its_own_cause(tmp_path):
    crash = fake(tmp_path, "b", """
        sys.stderr.write("Traceback (most recent call last):\\n  File \\"x.py\\", line 1\\n")
        sys.stderr.write("ImportError: cannot import name 'TclError'\\n")
        sys.exit(1)
    """)
    out = run_case(CASE, fake(tmp_path, "a", OK_F1), crash)
    assert out.cause == "ocdpy printed a Python traceback"
    assert out.candidate.error == "ImportError: cannot import name 'TclError'"

"""ocdpy's config phase against OpenOCD 0.12's: one test per (group, file).

Each test runs the same command line through both programs (see harness.py) and
expects the same success or failure, the same ORACLE line (target names and flash
banks) on success and the same first Error line on failure. Cases listed in
known_differences.py are xfail(strict=True), so a fixed one is noticed.
"""

from __future__ import annotations

import os

import pytest

from tests.differential.config.board_sample import BOARD_SAMPLE
from tests.differential.config.cases import OWN_BOARDS, all_cases, target_files
from tests.differential.config.harness import (
    OPENOCD_SCRIPTS,
    REPO_ROOT,
    base_env,
    candidate_command,
    candidate_is_default,
    run_case,
    run_program,
)
from tests.differential.config.known_differences import reason_for
from tests.oracles import need_openocd_scripts


def _param(case):
    marks = [pytest.mark.oracle("openocd")]
    reason = reason_for(case.id, case.name)
    if reason:
        marks.append(pytest.mark.xfail(strict=True, reason=reason))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in all_cases()])
def test_config_phase_matches_openocd(case):
    need_openocd_scripts()
    outcome = run_case(case)
    if not outcome.matched:
        pytest.fail(outcome.describe(), pytrace=False)


def test_openocd_target_tree_is_complete():
    # Without the tree the target groups above are empty; make that visible here.
    scripts = need_openocd_scripts()
    files = target_files(scripts)
    assert len(files) >= 300, f"only {len(files)} files under {scripts}/target"
    assert "target/stm32f1x.cfg" in files


def test_board_sample_is_sixty_existing_distinct_files():
    scripts = need_openocd_scripts()
    assert len(BOARD_SAMPLE) == 60
    assert len(set(BOARD_SAMPLE)) == 60
    missing = [f for f in BOARD_SAMPLE if not os.path.isfile(os.path.join(scripts, f))]
    assert not missing, f"sample names files OpenOCD 0.12 does not have: {missing}"
    for theirs in OWN_BOARDS.values():
        assert theirs in BOARD_SAMPLE
    assert scripts == OPENOCD_SCRIPTS


def test_own_cfg_runs_see_only_the_bundled_tree(tmp_path):
    # The own-cfg group means something only if ocdpy there cannot reach OpenOCD's tree.
    need_openocd_scripts()
    if not candidate_is_default():
        pytest.skip("candidate overridden by OCDPY_CONFIG_DIFF_CANDIDATE")
    env = base_env(str(tmp_path))
    env["OCDPY_NO_OPENOCD_SCRIPTS"] = "1"
    argv = candidate_command() + ["-c", "echo FOUND:[find interface/stlink.cfg]",
                                  "-f", "target/at91sam9260.cfg", "-c", "shutdown"]
    res = run_program(argv, str(tmp_path), env)
    found = [ln for ln in res.stderr.splitlines() + res.stdout.splitlines()
             if ln.startswith("FOUND:")]
    assert found, res.stderr
    path = os.path.realpath(found[0].removeprefix("FOUND:"))
    assert path == os.path.realpath(REPO_ROOT / "cfg" / "interface" / "stlink.cfg")
    assert not res.succeeded
    assert res.error == "embedded:startup.tcl:28: Error: Can't find target/at91sam9260.cfg"

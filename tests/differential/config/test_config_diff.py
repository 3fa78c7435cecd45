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
from tests.differential.config.harness import OPENOCD_SCRIPTS, run_case
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

"""The comparison matrix: which argument lists the config-phase suite runs.

Groups:

- `target-stlink`, `target-cmsis-dap`: every file of OpenOCD's target/ tree after
  `-f interface/stlink.cfg` or `-f interface/cmsis-dap.cfg`. Both programs get
  `-s <OpenOCD's script dir>` first, so both read OpenOCD's files (ocdpy would otherwise
  prefer its own bundled copies of a few of them) and print the same paths.
- `board`: the fixed 60-file sample of board_sample.py, same `-s`.
- `own-cfg`: ocdpy with its bundled cfg/ only (no `-s`, no OPENOCD_SCRIPTS, and
  OCDPY_NO_OPENOCD_SCRIPTS=1 so it does not fall back to an installed OpenOCD tree),
  against OpenOCD with its own files of the same names.
"""

from __future__ import annotations

import os

from tests.differential.config.board_sample import BOARD_SAMPLE
from tests.differential.config.harness import OPENOCD_SCRIPTS, ORACLE_COMMAND, Case

TAIL = ("-c", ORACLE_COMMAND, "-c", "shutdown")
TARGET_INTERFACES = {"target-stlink": "interface/stlink.cfg",
                     "target-cmsis-dap": "interface/cmsis-dap.cfg"}
GROUPS = ("target-stlink", "target-cmsis-dap", "board", "own-cfg")

OWN_TARGETS = ("target/stm32f1x.cfg", "target/stm32f4x.cfg", "target/stm32h7x.cfg")
OWN_INTERFACES = ("interface/stlink.cfg", "interface/stlink-dap.cfg",
                  "interface/cmsis-dap.cfg")
# ocdpy's board file -> OpenOCD 0.12's file for the same board. OpenOCD 0.12 has no
# Nucleo-H753ZI file; the H743ZI board is the same PCB with the same STM32H7 flash
# layout (the H753 adds the crypto block), so its targets and banks are the reference.
OWN_BOARDS = {
    "board/stm32f103c8_blue_pill.cfg": "board/stm32f103c8_blue_pill.cfg",
    "board/st_nucleo_f103rb.cfg": "board/st_nucleo_f103rb.cfg",
    "board/stm32f4discovery.cfg": "board/stm32f4discovery.cfg",
    "board/st_nucleo_h753zi.cfg": "board/st_nucleo_h743zi.cfg",
}


def target_files(scripts: str = OPENOCD_SCRIPTS) -> list[str]:
    """Every file under scripts/target, as `target/...` names, sorted."""
    root = os.path.join(scripts, "target")
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            out.append(os.path.relpath(os.path.join(dirpath, f), scripts))
    return sorted(out)


def target_cases(scripts: str = OPENOCD_SCRIPTS) -> list[Case]:
    cases = []
    for group, interface in TARGET_INTERFACES.items():
        for f in target_files(scripts):
            args = ("-s", scripts, "-f", interface, "-f", f) + TAIL
            cases.append(Case(group, f, args, args))
    return cases


def board_cases(scripts: str = OPENOCD_SCRIPTS) -> list[Case]:
    cases = []
    for f in BOARD_SAMPLE:
        args = ("-s", scripts, "-f", f) + TAIL
        cases.append(Case("board", f, args, args))
    return cases


def own_cfg_cases() -> list[Case]:
    cases = []
    for target in OWN_TARGETS:
        for interface in OWN_INTERFACES:
            args = ("-f", interface, "-f", target) + TAIL
            cases.append(Case("own-cfg", f"{interface}+{target}", args, args, own_tree=True))
    for ours, theirs in OWN_BOARDS.items():
        name = ours if ours == theirs else f"{ours} (openocd: {theirs})"
        cases.append(Case("own-cfg", name, ("-f", theirs) + TAIL, ("-f", ours) + TAIL,
                          own_tree=True))
    return cases


def all_cases(scripts: str = OPENOCD_SCRIPTS) -> list[Case]:
    """The whole matrix; the OpenOCD-tree groups are empty when that tree is absent."""
    cases: list[Case] = []
    if os.path.isdir(scripts):
        cases += target_cases(scripts) + board_cases(scripts)
    return cases + own_cfg_cases()

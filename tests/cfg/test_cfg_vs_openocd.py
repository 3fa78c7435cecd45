"""Our cfg/ tree against OpenOCD 0.12's own scripts, run by the real OpenOCD.

For every case OpenOCD runs twice in its configuration phase, once with its own
script tree and once with ours first in the search path, and then sources
probe.tcl, which prints what the configuration created (targets, DAPs, flash
banks, TPIUs, adapter and transport settings, globals, procs) and what each event
handler and helper proc does. The test asserts:

- the whole console output (echo lines, warnings, Info lines, every ORACLE line,
  the exit code) is identical;
- with `-d3`, every script OpenOCD opened in our run came from our tree;
- the configuration commands the scripts ran (hla_vid_pid, swd newdap, dap create,
  target create, flash bank, apcsw, reset_config, ...) are the same, in the same
  order, with the same arguments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cfg.openocd_runner import OUR_TREE, config_trace, found_files, run

INTERFACES = {
    # ours: theirs (OpenOCD 0.12 has no stlink-v3.cfg; ours equals its stlink.cfg)
    "stlink.cfg": "stlink.cfg",
    "stlink-v1.cfg": "stlink-v1.cfg",
    "stlink-v2.cfg": "stlink-v2.cfg",
    "stlink-v2-1.cfg": "stlink-v2-1.cfg",
    "stlink-v3.cfg": "stlink.cfg",
    "stlink-dap.cfg": "stlink-dap.cfg",
    "cmsis-dap.cfg": "cmsis-dap.cfg",
}
TARGETS = ["stm32f1x.cfg", "stm32f4x.cfg", "stm32h7x.cfg", "stm32h7x_dual_bank.cfg"]


class Case:
    def __init__(self, ours: list[str], theirs: list[str] | None = None,
                 expect: list[str] | None = None) -> None:
        self.ours = ours
        self.theirs = theirs if theirs is not None else ours
        # Text that must appear in the output, so a case cannot pass by both runs
        # failing the same way.
        self.expect = expect or []


def _f(path: str) -> list[str]:
    return ["-f", path]


def _c(cmd: str) -> list[str]:
    return ["-c", cmd]


CASES: dict[str, Case] = {}

for _i_ours, _i_theirs in INTERFACES.items():
    for _t in TARGETS:
        CASES[f"{_i_ours}+{_t}"] = Case(
            _f(f"interface/{_i_ours}") + _f(f"target/{_t}"),
            _f(f"interface/{_i_theirs}") + _f(f"target/{_t}"),
            expect=["ORACLE target names: stm32"],
        )

for _iface, _transport in [("stlink.cfg", "hla_jtag"), ("stlink-dap.cfg", "dapdirect_jtag"),
                           ("cmsis-dap.cfg", "jtag"), ("stlink-dap.cfg", "dapdirect_swd"),
                           ("cmsis-dap.cfg", "swd"), ("stlink.cfg", "hla_swd")]:
    for _t in ["stm32f1x.cfg", "stm32f4x.cfg", "stm32h7x.cfg"]:
        CASES[f"{_iface}+{_transport}+{_t}"] = Case(
            _f(f"interface/{_iface}") + _c(f"transport select {_transport}") + _f(f"target/{_t}"),
            expect=[f"ORACLE transport select: {_transport}"],
        )

_OVERRIDES = [
    ("cmsis-dap.cfg", "set CHIPNAME foo", "stm32f1x.cfg", "ORACLE target names: foo.cpu"),
    ("stlink.cfg", "set CHIPNAME foo", "stm32f4x.cfg", "name foo.otp"),
    ("stlink-dap.cfg", "set CHIPNAME foo", "stm32h7x.cfg", "foo.ap2 foo.cpu0"),
    ("stlink.cfg", "set CHIPNAME stm32f103", "stm32f1x.cfg", "stm32f103.flash"),
    ("stlink.cfg", "set WORKAREASIZE 0x1000", "stm32f4x.cfg", "-work-area-size: 4096"),
    ("cmsis-dap.cfg", "set WORKAREASIZE 0x2000", "stm32f1x.cfg", "-work-area-size: 8192"),
    ("stlink-dap.cfg", "set WORKAREASIZE 0x4000", "stm32h7x.cfg", "-work-area-size: 16384"),
    ("stlink.cfg", "set FLASH_SIZE 0x20000", "stm32f1x.cfg", "size 131072"),
    ("cmsis-dap.cfg", "set CPUTAPID 0x2ba01477", "stm32f1x.cfg", "_CPUTAPID: 0x2ba01477"),
    ("stlink.cfg", "set DUAL_BANK 1", "stm32h7x.cfg", "stm32h7x.bank2.cpu0"),
    ("stlink.cfg", "set DUAL_CORE 1", "stm32h7x.cfg",
     "Warning : hla does not support multicore debugging"),
    ("cmsis-dap.cfg", "set DUAL_CORE 1", "stm32h7x.cfg", "stm32h7x.cpu1"),
    ("stlink-dap.cfg", "set DUAL_CORE 1; set DUAL_BANK 1", "stm32h7x.cfg",
     "stm32h7x.bank2.cpu1"),
    ("cmsis-dap.cfg", "set USE_CTI 1", "stm32h7x.cfg",
     "Warning : could not use CTI with a single core device, CTI is disabled"),
    ("cmsis-dap.cfg", "set DUAL_CORE 1; set USE_CTI 1", "stm32h7x_dual_bank.cfg",
     "ORACLE cti names: stm32h7x.cti0 stm32h7x.cti1"),
    ("stlink-dap.cfg", "set QUADSPI 1", "stm32f4x.cfg", "stm32f4x.qspi"),
    ("stlink-dap.cfg", "set QUADSPI 1", "stm32h7x.cfg", "stm32h7x.qspi"),
    ("stlink-dap.cfg", "set OCTOSPI1 1; set OCTOSPI2 1", "stm32h7x.cfg", "stm32h7x.octospi2"),
    ("stlink.cfg", "set OCTOSPI2 1", "stm32h7x.cfg", "stm32h7x.octospi2"),
]
for _iface, _set, _t, _expect in _OVERRIDES:
    CASES[f"{_iface}+[{_set}]+{_t}"] = Case(
        _f(f"interface/{_iface}") + _c(_set) + _f(f"target/{_t}"), expect=[_expect])

CASES["two chips on one chain"] = Case(
    _f("interface/cmsis-dap.cfg") + _c("transport select jtag") + _c("set CHIPNAME first")
    + _f("target/stm32f1x.cfg") + _c("set CHIPNAME second") + _f("target/stm32f4x.cfg"),
    expect=["ORACLE target names: first.cpu second.cpu"])

BOARDS = {
    # ours: theirs (OpenOCD 0.12 has no NUCLEO-H753ZI file; the H743ZI one is the same board)
    "st_nucleo_f103rb.cfg": "st_nucleo_f103rb.cfg",
    "stm32f4discovery.cfg": "stm32f4discovery.cfg",
    "st_nucleo_h743zi.cfg": "st_nucleo_h743zi.cfg",
    "st_nucleo_h753zi.cfg": "st_nucleo_h743zi.cfg",
}
for _b_ours, _b_theirs in BOARDS.items():
    CASES[f"board/{_b_ours}"] = Case(_f(f"board/{_b_ours}"), _f(f"board/{_b_theirs}"),
                                     expect=["ORACLE reset_config: srst_only"])
for _iface in ["stlink.cfg", "cmsis-dap.cfg", "stlink-dap.cfg"]:
    CASES[f"{_iface}+board/stm32f103c8_blue_pill.cfg"] = Case(
        _f(f"interface/{_iface}") + _f("board/stm32f103c8_blue_pill.cfg"),
        expect=["size 131072"])
CASES["board/st_nucleo_f103rb.cfg+[adapter speed 4000]"] = Case(
    _f("board/st_nucleo_f103rb.cfg") + _c("adapter speed 4000"),
    expect=["adapter speed: 4000 kHz"])

# Failures must fail the same way.
CASES["target without interface"] = Case(
    _f("target/stm32f1x.cfg"),
    expect=["Error: unable to select a session transport. Can't continue."])
CASES["dap adapter in swim mode"] = Case(
    _f("interface/stlink-dap.cfg") + _c("transport select swim") + _f("target/stm32f4x.cfg"),
    expect=["not supported by swj_newdap"])


DOC = Path(__file__).resolve().parents[2] / "docs" / "cfg.md"


@pytest.fixture(scope="module")
def user_board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user board file docs/cfg.md shows, which sources the shipped interface and
    target files, plus a line that prints what it created."""
    text = DOC.read_text()
    section = text[text.index("## A board file of your own"):]
    block = section[section.index("```tcl\n") + len("```tcl\n"):]
    block = block[:block.index("```")]
    path = tmp_path_factory.mktemp("userboard") / "my_board.cfg"
    path.write_text(block + 'echo "my board: $_TARGETNAME $_FLASHNAME"\n')
    return path


def _compare(ours_args: list[str], theirs_args: list[str], expect: list[str]) -> None:
    theirs = run(theirs_args, ours=False)
    ours = run(ours_args, ours=True)
    shown_theirs = theirs.shown()
    for text in expect:
        assert text in shown_theirs, f"OpenOCD's own run lacks {text!r}:\n{shown_theirs}"
    assert ours.shown() == shown_theirs
    assert ours.returncode == theirs.returncode

    ours_dbg = run(ours_args, ours=True, debug=True, probe=False)
    theirs_dbg = run(theirs_args, ours=False, debug=True, probe=False)
    scripts = found_files(ours_dbg)
    assert scripts, "OpenOCD's debug log named no script at all"
    given = {ours_args[i + 1] for i, w in enumerate(ours_args) if w == "-f"}
    outside = [p for p in scripts
               if not p.startswith(str(OUR_TREE) + "/") and p not in given]
    assert not outside, f"these came from outside our cfg/ tree: {outside}"
    assert config_trace(ours_dbg) == config_trace(theirs_dbg)


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("name", list(CASES))
def test_same_as_openocd(name: str) -> None:
    case = CASES[name]
    _compare(case.ours, case.theirs, case.expect)


@pytest.mark.oracle("openocd")
def test_user_board_file_sourcing_ours(user_board: Path) -> None:
    _compare(_f(str(user_board)), _f(str(user_board)),
             ["my board: motor.cpu motor.flash", "-work-area-size: 8192"])


@pytest.mark.oracle("openocd")
def test_bitsbytes_same_constants_and_helpers() -> None:
    # OpenOCD's file leaves its loop variables x and vn behind as globals; ours does not.
    args = (_c("set ocdpy_probe_skip_globals {x vn}") + _c("source [find bitsbytes.tcl]")
            + _c("echo [format 0x%08x [extract_bitfield 0x12345678 27 16]]")
            + _c("echo [normalize_bitfield 0x12345678 27 16]")
            + _c("echo [create_mask 31 0]")
            + _c("show_normalize_bitfield 0xdeadbeef 15 4")
            + _c("echo \"$BIT0 $BIT17 $BIT31 $__1K $__64K $__1024K $__1M $__1024M\""))
    theirs = run(args, ours=False)
    ours = run(args, ours=True)
    assert "ORACLE global __512M: 536870912" in theirs.shown()
    assert "0x02340000" in theirs.shown()
    assert ours.shown() == theirs.shown()
    ours_dbg = run(args, ours=True, debug=True, probe=False)
    assert found_files(ours_dbg) == [str(OUR_TREE / "bitsbytes.tcl")]

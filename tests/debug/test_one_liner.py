"""A user's one-liner, verbatim:

    OCDPY_SIM=stm32f103c8 ocdpy -f interface/stlink-v2.cfg -f target/stm32f1x.cfg \\
          -c init -c "reset halt" -c "reg pc" -c shutdown

prints the deprecation echo OpenOCD prints for stlink-v2.cfg, then the PC: on the
blank chip the spec gives (erased vectors: 0xfffffffe), and with the test firmware
loaded through a state file, the firmware's reset handler. Run through the installed
`ocdpy` console script when there is one (as the user would), else `python -m ocdpy`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from . import harness as H

ARGS = ["-f", "interface/stlink-v2.cfg", "-f", "target/stm32f1x.cfg", "-c", "init", "-c", "reset halt",
        "-c", "reg pc", "-c", "shutdown"]
DEPRECATION = "WARNING: interface/stlink-v2.cfg is deprecated, please switch to interface/stlink.cfg"


def _ocdpy() -> list[str]:
    exe = shutil.which("ocdpy")
    return [exe] if exe else [sys.executable, "-m", "ocdpy"]


def _run(spec: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*_ocdpy(), *ARGS], capture_output=True, text=True, timeout=H.TIMEOUT_S,
                          cwd=cwd, env=H._env({"OCDPY_SIM": spec}))


def _gdb_port_lines(lines: list[str]) -> list[str]:
    """As OpenOCD, `init` binds GDB's port 3333 even when `shutdown` follows; another
    program holding it (a test running at the same time) turns the Listening line into
    an error line and the run goes on. Either is what OpenOCD prints."""
    taken = "Error: couldn't bind gdb to socket on port 3333: Address already in use"
    return ["Info : Listening on port 3333 for gdb connections" if line.startswith(taken) else line
            for line in lines]


def test_verbatim_on_the_blank_chip(tmp_path) -> None:
    proc = _run("stm32f103c8", tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[1] == DEPRECATION
    assert lines[-3:] == ["pc (/32): 0xfffffffe", "", "shutdown command invoked"]
    assert "Traceback" not in proc.stderr
    # A new chip's halt at 0xfffffffe looks like a fault to a newcomer: ocdpy says once
    # what it means (OpenOCD prints only the halt).
    hints = [line for line in lines if "the flash is blank (erased)" in line]
    assert hints == ["Info : [stm32f1x.cpu] pc 0xfffffffe: the vector table reads 0xffffffff, so "
                     "the flash is blank (erased); program your firmware, e.g. "
                     "`program firmware.elf verify reset`"]


def test_with_the_firmware_loaded_pc_is_at_the_reset_handler(tmp_path) -> None:
    state = H.make_state(tmp_path)
    proc = _run(f"stm32f103c8,state={state}", tmp_path)
    assert proc.returncode == 0, proc.stderr
    reset_handler = H.elf_symbol("Reset_Handler") & ~1
    assert _gdb_port_lines(proc.stderr.splitlines()[1:]) == [
        DEPRECATION,
        "Info : auto-selecting first available session transport \"hla_swd\". To override use "
        "'transport select <transport>'.",
        "Info : The selected transport took over low-level target control. The results might differ "
        "compared to plain JTAG/SWD",
        "Info : clock speed 1000 kHz",
        "Info : STLINK V2J37S7 (API v2) VID:PID 0483:3748",
        "Info : Target voltage: 3.300000",
        "Info : [stm32f1x.cpu] Cortex-M3 r1p1 processor detected",
        "Info : [stm32f1x.cpu] target has 6 breakpoints, 4 watchpoints",
        "Info : starting gdb server for stm32f1x.cpu on 3333",
        "Info : Listening on port 3333 for gdb connections",
        "[stm32f1x.cpu] halted due to debug-request, current mode: Thread ",
        f"xPSR: 0x01000000 pc: {reset_handler:#010x} msp: 0x20005000",
        f"pc (/32): {reset_handler:#010x}",
        "",
        "shutdown command invoked",
    ]

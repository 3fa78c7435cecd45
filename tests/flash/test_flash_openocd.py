"""Differential: the same flash command sequences run by the real OpenOCD 0.12 (over
the ST-LINK server protocol) and by ocdpy's flash commands, each on its own identical
virtual chip, must leave byte-identical flash and option bytes; read-back files and
the text of read-only commands must match too."""

from __future__ import annotations

import random
import re

import pytest

from tests import oracles
from tests.flash.harness import FIRMWARE, sim_session

pytest.importorskip("unicorn")

TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f407vg": "target/stm32f4x.cfg",
              "stm32h753xi": "target/stm32h7x.cfg"}


def prefilled_state(tmp_path, chip_name: str, seed: int, size: int) -> str:
    """A state file whose flash holds `size` random bytes (someone's old firmware)."""
    from ocdpy.sim.chips import create_chip

    chip = create_chip(chip_name)
    rng = random.Random(seed)
    chip.flash.write(0, bytes(rng.getrandbits(8) for _ in range(size)))
    path = tmp_path / f"{chip_name}-{seed}.json"
    chip.save_state(str(path))
    return str(path)


def run_openocd(chip_name: str, commands: list[str], state: str | None, faults=(), cfg: str | None = None):
    """Run OpenOCD on a fresh virtual chip; returns (output, chip)."""
    import subprocess

    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    exe = oracles.need("openocd")
    oracles.need_openocd_scripts()
    hardware = SimHardware(SimSpec(chip=chip_name, state=state, faults=list(faults), deterministic=True))
    with StlinkServer([hardware.probe], port=0) as server:
        args = [exe, "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {server.port}",
                "-f", cfg or TARGET_CFG[chip_name], "-c", "gdb_port disabled", "-c", "tcl_port disabled",
                "-c", "telnet_port disabled", "-c", "init", "-c", "reset halt"]
        for c in commands:
            args += ["-c", c]
        args += ["-c", "shutdown"]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    return proc.stdout + proc.stderr, hardware.chip


def run_ocdpy(chip_name: str, commands: list[str], state: str | None, faults=(), cfg: str | None = None):
    outputs = []
    with sim_session(chip_name, faults=faults, state_path=state, target_cfg=cfg) as h:
        for c in commands:
            outputs.append(h.run(c))
        return outputs, h.chip


def same_chip_state(a, b) -> None:
    fa, fb = a.flash_bytes(), b.flash_bytes()
    if fa != fb:
        first = next(i for i in range(len(fa)) if fa[i] != fb[i])
        pytest.fail(f"flash differs first at offset 0x{first:x}: OpenOCD {fa[first]:#04x}, ocdpy {fb[first]:#04x}")
    assert a.option_bytes() == b.option_bytes()


CASES = {
    "f1 write_image erase bin": ("stm32f103c8", None, [f"flash write_image erase {FIRMWARE}/blinky-f103.bin 0x08000000"]),
    "f1 write_image erase elf over old firmware": ("stm32f103c8", ("seed", 1, 65536),
                                                   [f"flash write_image erase {FIRMWARE}/blinky-f103.elf"]),
    "f1 write_image erase hex, twice": ("stm32f103c8", ("seed", 2, 65536),
                                       [f"flash write_image erase {FIRMWARE}/blinky-f103.hex"] * 2),
    "f1 erase_sector": ("stm32f103c8", ("seed", 3, 65536), ["flash erase_sector 0 2 5"]),
    "f1 erase_address pad": ("stm32f103c8", ("seed", 4, 65536), ["flash erase_address pad 0x08000810 0x900"]),
    "f1 mass_erase": ("stm32f103c8", ("seed", 5, 65536), ["stm32f1x mass_erase 0"]),
    "f1 options_write": ("stm32f103c8", None, ["stm32f1x options_write 0 HWWDG RSTSTOP USEROPT 0x1234"]),
    "f1 lock": ("stm32f103c8", None, ["stm32f1x lock 0"]),
    "f1 protect": ("stm32f103c8", None, ["flash protect 0 2 3 on"]),
    "f1 fillw": ("stm32f103c8", None, ["flash fillw 0x08000400 0xdeadbeef 8"]),
    "f4 write_image erase": ("stm32f407vg", ("seed", 6, 40 * 1024),
                             [f"flash write_image erase {FIRMWARE}/blinky-f407.bin 0x08000000"]),
    "f4 erase_sector": ("stm32f407vg", ("seed", 7, 48 * 1024), ["flash erase_sector 0 1 2"]),
    "h7 write_image erase, bank 2": ("stm32h753xi", ("seed", 8, 64 * 1024),
                                     [f"flash write_image erase {FIRMWARE}/blinky-h753.bin 0x08100000"]),
    "h7 write_image erase, both banks": ("stm32h753xi", ("seed", 9, 1100 * 1024),
                                         ["flash write_image erase {tmp}/across.bin 0x080ff000"]),
    "h7 erase_sector, bank 2": ("stm32h753xi", ("seed", 10, 1200 * 1024), ["flash erase_sector 1 0 0"]),
}
CFG = {"stm32h753xi": "target/stm32h7x_dual_bank.cfg"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_flash_and_option_bytes_as_openocd(tmp_path, case):
    chip_name, prefill, commands = CASES[case]
    state = prefilled_state(tmp_path, chip_name, prefill[1], prefill[2]) if prefill else None
    rng = random.Random(11)
    (tmp_path / "across.bin").write_bytes(bytes(rng.getrandbits(8) for _ in range(8192)))
    commands = [c.replace("{tmp}", str(tmp_path)) for c in commands]
    cfg = CFG.get(chip_name)
    output, theirs = run_openocd(chip_name, commands, state, cfg=cfg)
    assert "Error" not in output, output
    _, ours = run_ocdpy(chip_name, commands, state, cfg=cfg)
    same_chip_state(theirs, ours)


def test_read_bank_and_verify_bank_files_and_lines(tmp_path):
    commands_for = lambda d: [  # noqa: E731
        f"flash write_image erase {FIRMWARE}/blinky-f103.bin 0x08000000",
        f"flash read_bank 0 {d}/new_firmware.bin 0 0x10000",
        f"flash verify_bank 0 {FIRMWARE}/blinky-f103.bin",
        "stm32f1x options_read 0",
        "flash info 0",
    ]
    (tmp_path / "o").mkdir()
    (tmp_path / "p").mkdir()
    output, theirs = run_openocd("stm32f103c8", commands_for(tmp_path / "o"), None)
    outs, ours = run_ocdpy("stm32f103c8", commands_for(tmp_path / "p"), None)
    same_chip_state(theirs, ours)
    assert (tmp_path / "o" / "new_firmware.bin").read_bytes() == (tmp_path / "p" / "new_firmware.bin").read_bytes()
    # The lines without timings are OpenOCD's, word for word.
    for text in outs[2:]:
        for line in text.strip("\n").split("\n"):
            line = re.sub(r"/\S+/", "", line)
            plain = re.sub(r" in \d+\.\d+s \(.*\)$", "", line)
            assert plain in re.sub(r"/\S+/", "", output), line


CLI_CASES = ["f1 write_image erase elf over old firmware", "f1 mass_erase", "f1 options_write",
             "f4 write_image erase", "h7 write_image erase, both banks"]


def run_ocdpy_cli(tmp_path, chip_name: str, commands: list[str], state: str | None, cfg: str | None):
    """The same commands through the ocdpy command line and its own ST-Link driver
    (OCDPY_SIM, state kept in a file); returns the chip as the run left it."""
    import os
    import shutil
    import subprocess
    import sys

    from ocdpy.sim.chips import create_chip

    path = tmp_path / "ocdpy-state.json"
    if state:
        shutil.copy(state, path)
    args = [sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg", "-f", cfg or TARGET_CFG[chip_name],
            "-c", "init", "-c", "reset halt"]
    for c in commands:
        args += ["-c", c]
    args += ["-c", "shutdown"]
    env = dict(os.environ, OCDPY_SIM=f"{chip_name},state={path}", OCDPY_NO_OPENOCD_SCRIPTS="1")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    errors = [line for line in proc.stderr.splitlines()
              if line.startswith("Error") and "clearing lockup after double fault" not in line]
    assert proc.returncode == 0 and not errors, proc.stderr
    return create_chip(chip_name, state_path=str(path))


@pytest.mark.parametrize("case", CLI_CASES)
def test_same_as_openocd_through_the_command_line(tmp_path, case):
    chip_name, prefill, commands = CASES[case]
    state = prefilled_state(tmp_path, chip_name, prefill[1], prefill[2]) if prefill else None
    rng = random.Random(11)
    (tmp_path / "across.bin").write_bytes(bytes(rng.getrandbits(8) for _ in range(8192)))
    commands = [c.replace("{tmp}", str(tmp_path)) for c in commands]
    cfg = CFG.get(chip_name)
    output, theirs = run_openocd(chip_name, commands, state, cfg=cfg)
    assert "Error" not in output, output
    ours = run_ocdpy_cli(tmp_path, chip_name, commands, state, cfg)
    same_chip_state(theirs, ours)

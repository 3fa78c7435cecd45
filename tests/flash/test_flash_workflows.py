"""The workflows users run, verbatim, with the ocdpy command line on virtual chips
(OCDPY_SIM: ocdpy's own ST-Link driver talking to the virtual probe), the chip's state
kept in a file between runs: write + reset + shutdown, read back, the program runs
(its LED pin toggles), `program`, and the mistakes made impossible to miss."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from tests.flash.harness import FIRMWARE

pytest.importorskip("unicorn")


def ocdpy(tmp_path, sim: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, OCDPY_SIM=sim, OCDPY_NO_OPENOCD_SCRIPTS="1")
    return subprocess.run([sys.executable, "-m", "ocdpy", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=tmp_path)


def needs_live_targets(run: subprocess.CompletedProcess) -> None:
    if "is not available; run `init` first" in run.stderr:
        pytest.fail("the command line has no live target (session.runtime_targets is empty after init)")


def errors(run: subprocess.CompletedProcess) -> list[str]:
    """Error lines, less the one OpenOCD prints too when a blank chip is first halted."""
    return [line for line in run.stderr.splitlines()
            if line.startswith("Error") and "clearing lockup after double fault" not in line]


def stats(path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("chip,cfg,fw,length", [
    ("stm32f103c8", "target/stm32f1x.cfg", "blinky-f103.bin", "0x10000"),
    ("stm32f407vg", "target/stm32f4x.cfg", "blinky-f407.bin", "0x100000"),
])
def test_write_reset_shutdown_then_read_back(tmp_path, chip, cfg, fw, length):
    firmware = tmp_path / "firmware.bin"
    firmware.write_bytes((FIRMWARE / fw).read_bytes())
    state = tmp_path / "chip.json"
    run = ocdpy(tmp_path, f"{chip},state={state}", "-f", "interface/stlink.cfg", "-f", cfg, "-c", "init",
                "-c", "reset halt", "-c", "flash write_image erase firmware.bin 0x08000000", "-c", "reset",
                "-c", "shutdown")
    needs_live_targets(run)
    assert run.returncode == 0, run.stderr
    assert "auto erase enabled\nwrote " in run.stderr + run.stdout
    assert errors(run) == [] and "still halted" not in run.stderr
    run = ocdpy(tmp_path, f"{chip},state={state},stats={tmp_path / 'stats.json'}", "-f", "interface/stlink.cfg",
                "-f", cfg, "-c", "init", "-c", "sleep 100", "-c", "reset halt",
                "-c", f"flash read_bank 0 new_firmware.bin 0 {length}", "-c", "shutdown")
    assert run.returncode == 0, run.stderr
    back = (tmp_path / "new_firmware.bin").read_bytes()
    assert len(back) == int(length, 16)
    assert back[:firmware.stat().st_size] == firmware.read_bytes()
    assert back[firmware.stat().st_size:].strip(b"\xff") == b""
    assert stats(tmp_path / "stats.json")["gpio_toggles"] > 10  # blinky ran from the new flash


def test_h753_both_banks(tmp_path):
    (tmp_path / "bank2.bin").write_bytes(random.Random(5).randbytes(40000))
    (tmp_path / "firmware.bin").write_bytes((FIRMWARE / "blinky-h753.bin").read_bytes())
    sim = f"stm32h753xi,state={tmp_path / 'chip.json'}"
    cfg = ["-f", "interface/stlink.cfg", "-f", "target/stm32h7x_dual_bank.cfg"]
    run = ocdpy(tmp_path, sim, *cfg, "-c", "init", "-c", "reset halt",
                "-c", "flash write_image erase firmware.bin 0x08000000",
                "-c", "flash write_image erase bank2.bin 0x08100000", "-c", "reset", "-c", "shutdown")
    needs_live_targets(run)
    assert run.returncode == 0 and errors(run) == [], run.stderr
    run = ocdpy(tmp_path, sim + f",stats={tmp_path / 'stats.json'}", *cfg, "-c", "init", "-c", "sleep 100",
                "-c", "reset halt", "-c", "flash read_bank 0 b1.bin 0 0x100000",
                "-c", "flash read_bank 1 b2.bin 0 0x100000", "-c", "flash verify_bank 1 bank2.bin",
                "-c", "shutdown")
    assert run.returncode == 0, run.stderr
    assert "contents match" in run.stdout + run.stderr
    assert (tmp_path / "b1.bin").read_bytes()[:288] == (tmp_path / "firmware.bin").read_bytes()
    assert (tmp_path / "b2.bin").read_bytes()[:40000] == (tmp_path / "bank2.bin").read_bytes()
    assert stats(tmp_path / "stats.json")["gpio_toggles"] > 10


def test_program_verify_reset_exit_then_preverify(tmp_path):
    sim = f"stm32f103c8,state={tmp_path / 'chip.json'}"
    elf = str(FIRMWARE / "blinky-f103.elf")
    run = ocdpy(tmp_path, sim, "-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg",
                "-c", f"program {elf} verify reset exit")
    needs_live_targets(run)
    text = run.stdout + run.stderr
    assert run.returncode == 0, text
    for line in ("** Programming Started **", "** Programming Finished **", "** Verify Started **",
                 "** Verified OK **", "** Resetting Target **"):
        assert line in text
    run = ocdpy(tmp_path, sim, "-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg",
                "-c", f"program {elf} preverify verify reset exit")
    assert "**Verified OK - No flashing**" in run.stdout + run.stderr and run.returncode == 0


def test_forgetting_the_reset_is_pointed_out(tmp_path):
    sim = f"stm32f103c8,state={tmp_path / 'chip.json'}"
    run = ocdpy(tmp_path, sim, "-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg", "-c", "init",
                "-c", "reset halt", "-c", f"flash write_image erase {FIRMWARE / 'blinky-f103.bin'} 0x08000000",
                "-c", "shutdown")
    needs_live_targets(run)
    assert "flash was written but the target is still halted, so the new firmware is not running" in run.stderr


def test_a_linker_script_is_refused_before_anything_is_erased(tmp_path):
    (tmp_path / "app.ld").write_text("MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n}\n")
    state = tmp_path / "chip.json"
    run = ocdpy(tmp_path, f"stm32f103c8,state={state},stats={tmp_path / 's.json'}", "-f", "interface/stlink.cfg",
                "-f", "target/stm32f1x.cfg", "-c", "init", "-c", "reset halt",
                "-c", "flash write_image erase app.ld 0x08000000", "-c", "shutdown")
    assert "this is a linker script" in run.stderr
    assert stats(tmp_path / "s.json").get("flash_erases_page", 0) == 0


def test_probe_unplugged_mid_write_then_verify_names_the_sectors(tmp_path):
    (tmp_path / "big.bin").write_bytes(random.Random(3).randbytes(48 * 1024))
    state = tmp_path / "chip.json"
    cfg = ["-f", "interface/stlink.cfg", "-f", "target/stm32f4x.cfg"]
    # Where "mid-write" is, in probe commands: half way between a session without the
    # write and one with it (on scratch chips), so the test does not hang on how many
    # commands either takes.
    counts = []
    for name, write in (("a", []), ("b", ["-c", "flash write_image erase big.bin 0x08000000"])):
        ocdpy(tmp_path, f"stm32f407vg,state={tmp_path / name}.json,stats={tmp_path / name}.stats", *cfg,
              "-c", "init", "-c", "reset halt", *write, "-c", "shutdown")
        counts.append(stats(tmp_path / f"{name}.stats")["probe_commands"])
    assert counts[1] > counts[0] + 20, counts
    unplug = (counts[0] + counts[1]) // 2
    run = ocdpy(tmp_path, f"stm32f407vg,state={state},fault=unplug-after={unplug}", *cfg, "-c", "init",
                "-c", "reset halt", "-c", "flash write_image erase big.bin 0x08000000", "-c", "shutdown")
    needs_live_targets(run)
    assert "the probe lost the target while programming" in run.stderr
    assert "verify_image names the sectors that differ" in run.stderr
    run = ocdpy(tmp_path, f"stm32f407vg,state={state}", *cfg, "-c", "init", "-c", "reset halt",
                "-c", "flash verify_image big.bin 0x08000000", "-c", "shutdown")
    assert "flash contents differ from the image in" in run.stderr and "of bank #0: " in run.stderr
    run = ocdpy(tmp_path, f"stm32f407vg,state={state}", *cfg, "-c", "init", "-c", "reset halt",
                "-c", "flash write_image erase big.bin 0x08000000", "-c", "verify_image big.bin 0x08000000",
                "-c", "shutdown")
    assert "verified 49152 bytes" in run.stdout + run.stderr, run.stderr

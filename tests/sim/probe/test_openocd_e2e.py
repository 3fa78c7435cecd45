"""End to end: the real OpenOCD 0.12 flashes and debugs the virtual chips through its
own ST-Link driver (HLA and DAP-direct), over the ST-LINK server protocol."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .openocd_run import FIRMWARE, openocd, served, symbol

pytestmark = pytest.mark.oracle("openocd")


def _pcs(output: str) -> list[int]:
    return [int(m, 16) for m in re.findall(r"^pc \(/32\): (0x[0-9a-fA-F]+)", output, re.M)]


def _flash_flow(hw: object, port: int, chip: str, image: Path, tmp_path: Path, driver: str = "hla",
                extra: list[str] = (), pre: list[str] = (), allowed_errors: tuple[str, ...] = ()) -> None:
    out = tmp_path / "out.bin"
    run = openocd(port, chip, [
        "init", "reset halt",
        f"flash write_image erase {image} 0x08000000",
        f"verify_image {image} 0x08000000",
        *extra,
        f"flash read_bank 0 {out} 0 0x10000",
        "reset run", "shutdown",
    ], driver=driver, pre=pre)
    assert run.returncode == 0, run.output
    assert [e for e in run.errors if not e.endswith(allowed_errors)] == [], run.output
    data = image.read_bytes()
    assert out.read_bytes()[: len(data)] == data
    before = hw.chip.stats.get("gpio_toggles")
    hw.chip.advance(0.5)  # deterministic sim: let the LED blink for half a modeled second
    assert hw.chip.stats.get("gpio_toggles") > before, "blinky does not run after reset run"


def test_f103_flash_verify_read_run(tmp_path: Path) -> None:
    with served("stm32f103c8") as (hw, port):
        _flash_flow(hw, port, "stm32f103c8", FIRMWARE / "blinky-f103.bin", tmp_path)
        elf = FIRMWARE / "blinky-f103.elf"
        reset_handler, main = symbol(elf, "Reset_Handler"), symbol(elf, "main")
        run = openocd(port, "stm32f103c8", [
            "init", "reset halt", "reg pc", "step", "reg pc",
            f"bp {main & ~1:#x} 2 hw", "resume", "wait_halt 2000", "reg pc", "rbp all", "shutdown",
        ])
        assert run.returncode == 0 and run.errors == [], run.output
        pcs = _pcs(run.output)
        assert pcs[0] == reset_handler & ~1  # reset halt stops on the image's reset handler
        assert pcs[1] != pcs[0]  # step moved it
        assert pcs[2] == main & ~1  # the hardware breakpoint was hit
        assert "breakpoint" in run.output


def test_f103_over_dap_direct_driver(tmp_path: Path) -> None:
    with served("stm32f103c8", probe="stlink-v2-1") as (hw, port):
        # A blank F103 locks up at reset (its vectors read 0xFFFFFFFF). The DAP-level
        # driver polls DHCSR.S_LOCKUP and says so, as it does on silicon; HLA does not.
        _flash_flow(hw, port, "stm32f103c8", FIRMWARE / "blinky-f103.bin", tmp_path, driver="dap",
                    allowed_errors=("clearing lockup after double fault",))


def test_f407_flash_verify_read_run(tmp_path: Path) -> None:
    with served("stm32f407vg", probe="stlink-v3") as (hw, port):
        _flash_flow(hw, port, "stm32f407vg", FIRMWARE / "blinky-f407.bin", tmp_path)


def test_h753_both_banks(tmp_path: Path) -> None:
    image = FIRMWARE / "blinky-h753.bin"
    bank2 = tmp_path / "bank2.bin"
    bank2.write_bytes(bytes(range(256)) * 4)
    out2 = tmp_path / "out2.bin"
    with served("stm32h753xi", probe="stlink-v3") as (hw, port):
        _flash_flow(hw, port, "stm32h753xi", image, tmp_path, pre=["set DUAL_BANK 1"], extra=[
            f"flash write_image erase {bank2} 0x08100000",
            f"verify_image {bank2} 0x08100000",
            f"flash read_bank 1 {out2} 0 0x400",
        ])
    assert out2.read_bytes() == bank2.read_bytes()


def test_old_firmware() -> None:
    with served("stm32f103c8", fw="V2J17S4") as (hw, port):
        run = openocd(port, "stm32f103c8", ["init", "shutdown"], driver="dap")
        assert "Info : STLINK V2J17S4 (API v2) VID:PID 0483:3748" in run.output
        assert "Error: ST-Link version does not support DAP direct transport" in run.output
        run = openocd(port, "stm32f103c8", ["init", "reset halt", "mdw 0x08000000", "shutdown"])
        assert run.returncode == 0, run.output
        # J17 cannot set the SWD clock: OpenOCD keeps the requested speed as is
        assert "Unable to match requested speed" not in run.output


def test_second_openocd_finds_the_probe_in_use() -> None:
    import subprocess
    import time

    from tests import oracles

    from .openocd_run import ROOT, TARGET_CFG

    pytest.importorskip("ocdpy.sim.chips")
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    exe = oracles.need("openocd")
    hardware = SimHardware(SimSpec(chip="stm32f103c8", deterministic=True))
    with StlinkServer([hardware.probe], port=0) as server:
        args = [exe, "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {server.port}",
                "-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled",
                "-f", TARGET_CFG["stm32f103c8"]]
        first = subprocess.Popen([*args, "-c", "init", "-c", "sleep 15000", "-c", "shutdown"],
                                 cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while not server.devices[0].holders and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.devices[0].holders, "the first OpenOCD did not open the probe"
            second = openocd(server.port, "stm32f103c8", ["init", "shutdown"])
        finally:
            first.kill()  # OpenOCD does not act on SIGTERM while in `sleep`
            first.wait(timeout=20)
    assert second.returncode != 0
    assert "Error: the selected device is already used" in second.errors, second.output


@pytest.mark.parametrize("driver", ["hla", "dap"])
def test_f103_step_after_reset_halt_moves_one_instruction(driver: str) -> None:
    # The DAP-level driver steps as cortex_m_step does: a temporary FPB breakpoint at PC,
    # run, then C_MASKINTS and C_STEP on top of the DHCSR value it read; HLA uses STEPCORE.
    image = (FIRMWARE / "blinky-f103.bin").read_bytes()
    entry = int.from_bytes(image[4:8], "little") & ~1
    with served("stm32f103c8", probe="stlink-v2-1") as (hw, port):
        hw.chip.flash.write(0, image)
        hw.chip.flash_changed(0x08000000, len(image))
        hw.chip.power_on()
        run = openocd(port, "stm32f103c8", ["init", "reset halt", "reg pc", "step", "reg pc", "shutdown"],
                      driver=driver)
    assert run.returncode == 0 and run.errors == [], run.output
    assert _pcs(run.output) == [entry, entry + 2], run.output  # push {r3, lr} is 16 bits
    assert "halted due to single-step" in run.output

"""What the real OpenOCD 0.12 says for each chip fault, through the virtual ST-Link.

The expected lines are the ones OpenOCD prints on silicon for the same condition (see
docs/sim.md, "OpenOCD on faults": logs from user reports)."""

from __future__ import annotations

import pytest

from .openocd_run import FIRMWARE, openocd, served

pytestmark = pytest.mark.oracle("openocd")

BLINKY = FIRMWARE / "blinky-f103.bin"
WRITE = ["init", "reset halt", f"flash write_image erase {BLINKY} 0x08000000", "shutdown"]
UNDER_RESET = "reset_config srst_only srst_nogate connect_assert_srst"


@pytest.mark.parametrize("fault", ["rdp1", "wrp"])
def test_protected_flash(fault: str) -> None:
    with served("stm32f103c8", faults=(fault,)) as (_, port):
        run = openocd(port, "stm32f103c8", WRITE)
    assert run.returncode != 0
    assert run.errors == ["Error: stm32x device protected", "Error: failed erasing sectors 0 to 0"], run.output


@pytest.mark.parametrize("driver", ["hla", "dap"])
def test_target_not_powered(driver: str) -> None:
    with served("stm32f103c8", faults=("no-power",)) as (_, port):
        run = openocd(port, "stm32f103c8", WRITE, driver=driver)
    assert run.returncode != 0
    assert "Info : Target voltage: 0.000000" in run.output
    assert run.errors == ["Error: target voltage may be too low for reliable debugging",
                          "Error: init mode failed (unable to connect to the target)"], run.output


def test_swd_disabled_by_firmware() -> None:
    with served("stm32f103c8", faults=("swd-disabled",)) as (_, port):
        run = openocd(port, "stm32f103c8", WRITE)
        assert run.returncode != 0
        assert run.errors == ["Error: init mode failed (unable to connect to the target)"], run.output
        # connect under reset: the firmware never runs, so the pins stay SWD
        run = openocd(port, "stm32f103c8", [
            "init", "reset halt", "flash probe 0",
            f"flash write_image erase {BLINKY} 0x08000000", f"verify_image {BLINKY} 0x08000000",
            "shutdown",
        ], pre=[UNDER_RESET])
        assert run.returncode == 0, run.output
        assert run.errors == [], run.output
        assert "verified 272 bytes" in run.output


@pytest.mark.parametrize("fault,status", [("unplug-after=150", "0x1003"), ("usb-error-after=300", "0x1001")])
def test_probe_lost_mid_write(fault: str, status: str) -> None:
    with served("stm32f103c8", faults=(fault,)) as (_, port):
        run = openocd(port, "stm32f103c8", WRITE)
    assert run.returncode != 0
    assert f"Error: TCP error status {status}" in run.errors, run.output
    assert "Error: error writing to flash at address 0x08000000 at offset 0x00000000" in run.errors

"""Chip behaviour as the real OpenOCD 0.12 sees it through the virtual ST-Link: option
bytes and read-out protection through its flash drivers, ROM tables through `dap info`."""

from __future__ import annotations

from tests.sim.probe.openocd_run import FIRMWARE, openocd, served


def test_f1_lock_then_unlock_erases_the_chip() -> None:
    blinky = FIRMWARE / "blinky-f103.bin"
    with served("stm32f103c8") as (hardware, port):
        run = openocd(port, "stm32f103c8", ["init", "reset halt",
                                            f"flash write_image erase {blinky} 0x08000000",
                                            "stm32f1x lock 0", "shutdown"])
        assert run.returncode == 0 and "stm32x locked" in run.output, run.output
        run = openocd(port, "stm32f103c8", ["init", "reset halt", "stm32f1x options_read 0",
                                            "mdw 0x08000000", "shutdown"])
        assert "read protection: on" in run.output
        assert run.returncode != 0  # mdw of protected flash fails
        assert hardware.chip.flash_bytes(0, 8) == blinky.read_bytes()[:8]
        run = openocd(port, "stm32f103c8", ["init", "reset halt", "stm32f1x unlock 0", "shutdown"])
        assert "stm32x unlocked." in run.output, run.output
        run = openocd(port, "stm32f103c8", ["init", "reset halt", "stm32f1x options_read 0",
                                            "mdw 0x08000000", "shutdown"])
        assert run.returncode == 0, run.output
        assert "read protection: off" in run.output
        assert "0x08000000: ffffffff" in run.output  # unprotecting mass-erased the flash


def test_h7_dap_info_walks_both_rom_tables() -> None:
    with served("stm32h753xi", probe="stlink-v3") as (_, port):
        run = openocd(port, "stm32h753xi", ["init", "stm32h7x.dap info 0", "stm32h7x.dap info 2",
                                            "shutdown"], driver="dap")
    assert run.returncode == 0, run.output
    assert "Peripheral ID 0x00000a0450" in run.output  # ST's table, part 0x450
    assert "Cortex-M7 PPB ROM" in run.output
    assert "Cortex-M7 FPB" in run.output
    assert "CoreSight SWO" in run.output and "CoreSight TPIU" in run.output
    assert "Invalid CID" not in run.output

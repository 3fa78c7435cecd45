"""Chip faults: each switch makes the virtual chip fail the way the real condition does."""

from __future__ import annotations

import pytest

from ocdpy.errors import ConfigError
from ocdpy.sim.chips import create_chip
from ocdpy.sim.faults import parse_faults
from ocdpy.sim.port import SimSwdError

from .helpers import (
    C_DEBUGEN,
    DBGKEY,
    DEMCR,
    DHCSR,
    LED,
    S_RESET_ST,
    SEL_MSP,
    SEL_PC,
    VC_CORERESET,
    Probe,
    blinky,
    chip_with,
)


def no_answer(call, *args) -> bool:
    try:
        call(*args)
    except SimSwdError as exc:
        return exc.ack == SimSwdError.ACK_NONE
    return False


def test_no_power() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["no-power"])
    assert chip.target_voltage() == 0.0
    assert no_answer(chip.swd_line_reset)
    assert no_answer(chip.dp_read, 0)
    assert no_answer(chip.mem_read, 0, 0x20000000, 4, 4)
    chip.advance(0.01)
    assert chip.gpio_toggles("C", 13) == 0
    assert chip.state == "off"


def test_nrst_open_leaves_the_chip_running() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["nrst-open"])
    probe = Probe(chip)
    probe.read32(DHCSR)
    chip.advance(0.003)
    chip.set_nrst(True)
    assert not probe.read32(DHCSR) & S_RESET_ST
    before = chip.gpio_toggles("C", 13)
    chip.advance(0.005)
    assert chip.gpio_toggles("C", 13) > before  # still running: the line is not wired
    chip.set_nrst(False)


def test_swd_disabled_only_connect_under_reset_works() -> None:
    name = "stm32f407vg"
    chip = chip_with(name, blinky(name), faults=["swd-disabled"])
    chip.advance(0.005)  # the firmware has run and taken the SWD pins
    assert no_answer(chip.swd_line_reset)
    assert no_answer(chip.dp_read, 4)
    chip.set_nrst(True)  # pins back to SWD while the chip is held in reset
    assert chip.swd_line_reset() == 0x2BA01477
    probe = Probe(chip)
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN)
    probe.write32(DEMCR, VC_CORERESET)
    chip.set_nrst(False)
    chip.advance(0.01)  # halted at the reset vector: the firmware never runs
    assert probe.halted()
    port, pin = LED[name]
    toggles = chip.gpio_toggles(port, pin)
    probe.write32(DEMCR, 0)
    probe.resume()
    chip.advance(0.005)
    assert chip.gpio_toggles(port, pin) > toggles
    assert no_answer(chip.dp_read, 0)  # lost again once the firmware ran


def test_swd_disabled_without_reset_line_is_unreachable() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["swd-disabled", "nrst-open"])
    chip.advance(0.01)
    chip.set_nrst(True)
    assert no_answer(chip.swd_line_reset)


def test_swd_disable_delay_is_configurable() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["swd-disabled=0.05"])
    chip.advance(0.02)
    assert chip.swd_line_reset() == 0x1BA01477
    chip.advance(0.04)
    assert no_answer(chip.swd_line_reset)


def test_rdp1_firmware_runs_until_a_debugger_attaches() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["rdp1"])
    chip.advance(0.005)
    toggles = chip.gpio_toggles("C", 13)
    assert toggles > 0  # no debugger: the protected firmware runs
    Probe(chip)  # connecting takes flash away from the core too
    chip.advance(0.005)
    assert chip.state == "lockup"
    assert chip.gpio_toggles("C", 13) == toggles
    probe = Probe(chip)
    probe.reset_halt()
    assert probe.reg(SEL_PC) == 0xFFFFFFFE  # the vector fetch failed
    assert probe.reg(SEL_MSP) == 0xFFFFFFFC


@pytest.mark.parametrize("name,addr", [("stm32f103cb", 0x1FFFF7E0), ("stm32f407vg", 0x1FFF7A22),
                                       ("stm32h753xi", 0x1FF1E880)])
def test_flash_size_bad(name: str, addr: int) -> None:
    probe = Probe(create_chip(name, faults={"flash-size-bad": True}))
    assert probe.read16(addr) == 0x2D28  # 11560 KiB


def test_fault_specs() -> None:
    faults = parse_faults(["rdp1", "wrp=0x3", "swd-disabled=0.002"])
    assert (faults.rdp1, faults.wrp_mask, faults.swd_disable_after) == (True, 3, 0.002)
    assert parse_faults({"no-power": True, "nrst-open": False}).names() == ["no-power"]
    with pytest.raises(ConfigError, match="valid chip faults: rdp1, wrp"):
        parse_faults(["rdp2"])
    with pytest.raises(ConfigError, match="probe fault"):
        create_chip("stm32f103c8", faults=["unplug-after=3"])
    with pytest.raises(ConfigError, match="number"):
        parse_faults(["wrp=x"])


def test_swd_disabled_ignores_a_debugger_loader_in_sram() -> None:
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["swd-disabled"])
    chip.set_nrst(True)
    probe = Probe(chip)
    probe.write32(DHCSR, DBGKEY | C_DEBUGEN)
    probe.write32(DEMCR, VC_CORERESET)
    chip.set_nrst(False)
    probe.write(0x20000000, b"\xfe\xe7")  # b . in SRAM, like a loader waiting on its FIFO
    probe.set_reg(SEL_PC, 0x20000000)
    probe.resume()
    chip.advance(0.02)
    assert chip.dp_read(0) == 0x1BA01477  # still reachable: the application never ran

"""State files (a chip keeps flash and option bytes between runs) and GPIO toggles."""

from __future__ import annotations

import json
import os

import pytest

from ocdpy.errors import ConfigError
from ocdpy.sim.chips import create_chip

from .helpers import LED, Probe, blinky, chip_with, symbols


def test_state_round_trip_keeps_flash_and_option_bytes(tmp_path) -> None:
    path = str(tmp_path / "chip.json")
    chip = chip_with("stm32f103c8", blinky("stm32f103c8"), faults=["wrp=2"])
    chip.save_state(path)
    assert [p.name for p in tmp_path.iterdir()] == ["chip.json"]  # no temporary left behind
    again = create_chip("stm32f103c8", state_path=path)
    assert again.flash_bytes() == chip.flash_bytes()
    assert Probe(again).read32(0x40022020) == 0xFFFFFFFD  # WRPR from the saved option bytes
    again.advance(0.005)
    assert again.gpio_toggles("C", 13) >= 4  # the saved firmware runs after power-on
    data = json.loads(open(path).read())
    assert data["chip"] == "stm32f103c8" and data["format"] == "ocdpy-sim-chip-state"
    assert os.path.getsize(path) < 4096  # the flash image is compressed


def test_save_uses_the_state_path_and_load_replaces_contents(tmp_path) -> None:
    path = str(tmp_path / "h7.json")
    chip = create_chip("stm32h753xi", state_path=path)  # no file yet: starts erased
    assert chip.flash_bytes(0, 16) == b"\xff" * 16
    chip.flash.write(0x100000, b"bank two")
    chip.save_state()
    other = create_chip("stm32h753xi")
    other.load_state(path)
    assert other.flash_bytes(0x100000, 8) == b"bank two"


def test_rdp_survives_in_the_state_file(tmp_path) -> None:
    path = str(tmp_path / "f4.json")
    create_chip("stm32f407vg", faults=["rdp1"]).save_state(path)
    chip = create_chip("stm32f407vg", state_path=path)
    assert Probe(chip).read32(0x40023C14) >> 8 & 0xFF == 0x55


def test_state_of_another_chip_is_refused(tmp_path) -> None:
    path = str(tmp_path / "f1.json")
    create_chip("stm32f103c8").save_state(path)
    with pytest.raises(ConfigError, match="stm32f103c8, not a stm32f407vg"):
        create_chip("stm32f407vg", state_path=path)


def test_damaged_state_file_is_refused_with_advice(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("not json at all")
    with pytest.raises(ConfigError, match="not a chip state file"):
        create_chip("stm32f103c8", state_path=str(path))
    path.write_text(json.dumps({"format": "ocdpy-sim-chip-state", "version": 1, "chip": "stm32f103c8",
                                "flash": "!!!"}))
    with pytest.raises(ConfigError, match="damaged"):
        create_chip("stm32f103c8", state_path=str(path))


@pytest.mark.parametrize("name", ["stm32f103c8", "stm32f407vg", "stm32h753xi"])
def test_blinky_toggles_its_led_about_every_millisecond(name: str) -> None:
    chip = chip_with(name, blinky(name))
    chip.advance(0.05)
    port, pin = LED[name]
    assert 40 <= chip.gpio_toggles(port, pin) <= 60
    assert chip.stats.get("gpio_toggles") == chip.gpio_toggles(port, pin)
    elf = {"stm32f103c8": "blinky-f103.elf", "stm32f407vg": "blinky-f407.elf",
           "stm32h753xi": "blinky-h753.elf"}[name]
    blink_count = Probe(chip).read32(symbols(elf)["blink_count"])
    assert blink_count == chip.gpio_toggles(port, pin)


def test_gpio_without_its_clock_ignores_writes() -> None:
    chip = create_chip("stm32f407vg")
    probe = Probe(chip)
    probe.write32(0x40020C14, 0x1000)  # GPIOD ODR, clock off
    assert probe.read32(0x40020C14) == 0
    assert chip.gpio_toggles("D", 12) == 0
    probe.write32(0x40023830, 1 << 3)  # RCC AHB1ENR.GPIODEN
    probe.write32(0x40020C14, 0x1000)
    assert probe.read32(0x40020C14) == 0x1000
    probe.write32(0x40020C18, 0x1000 << 16)  # BSRR reset half
    assert probe.read32(0x40020C14) == 0
    assert chip.gpio_toggles("D", 12) == 2


def test_f1_bsrr_and_brr() -> None:
    chip = create_chip("stm32f103c8")
    probe = Probe(chip)
    probe.write32(0x40021018, 1 << 4)  # IOPCEN
    probe.write32(0x40011010, 1 << 13 | 1 << (13 + 16))  # set and reset: set wins
    assert probe.read32(0x4001100C) == 1 << 13
    probe.write32(0x40011014, 1 << 13)  # BRR
    assert probe.read32(0x4001100C) == 0
    assert chip.gpio_toggles("C", 13) == 2

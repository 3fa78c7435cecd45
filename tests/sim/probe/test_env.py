"""OCDPY_SIM: parsing the spec and getting a pyusb backend out of the environment."""

from __future__ import annotations

import json

import pytest
import usb.core
import usb.util

from ocdpy.errors import ConfigError
from ocdpy.sim import env
from ocdpy.sim.env import SimSpec, usb_backend_from_env

from . import fakechips
from .fakechips import SavingTarget


@pytest.fixture
def fake_chips(monkeypatch: pytest.MonkeyPatch) -> list[SavingTarget]:
    made: list[SavingTarget] = []
    chips = fakechips.module(made)
    monkeypatch.setattr(env, "_chips_module", lambda: chips)
    monkeypatch.setattr(env, "_cache", {})
    monkeypatch.setattr(env.atexit, "register", lambda *a, **k: None)
    return made


def test_parse_full_spec() -> None:
    spec = SimSpec.parse("stm32f103c8, state=/tmp/s.json,probe=stlink-v3,fault=rdp1,fault=unplug-after=9,"
                         "deterministic,stats=/tmp/st.json,fw=V3J6M2,serial=ABC")
    assert spec == SimSpec(chip="stm32f103c8", probe="stlink-v3", state="/tmp/s.json", stats="/tmp/st.json",
                           faults=["rdp1", "unplug-after=9"], deterministic=True, fw="V3J6M2", serial="ABC")
    assert SimSpec.parse("stm32f407vg") == SimSpec(chip="stm32f407vg")


@pytest.mark.parametrize("text,words", [
    ("", "first item must be a chip name"),
    ("state=/tmp/x", "first item must be a chip name"),
    ("stm32f103c8,speed=4000", "unknown key 'speed'"),
    ("stm32f103c8,fault", "fault needs a value"),
])
def test_parse_errors_name_the_valid_keys(text: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        SimSpec.parse(text)
    assert words in str(info.value)
    if "unknown key" in words or "chip name" in words:
        assert "state, probe, fault, deterministic, stats, fw, serial" in str(info.value)


def test_unset_means_no_backend() -> None:
    assert usb_backend_from_env({}) is None
    assert usb_backend_from_env({"OCDPY_SIM": " "}) is None


def test_backend_from_env_finds_the_probe(fake_chips: list[SavingTarget]) -> None:
    environ = {"OCDPY_SIM": "stm32f103c8,probe=stlink-v2-1,fault=wrp,fw=V2J40M27"}
    backend = usb_backend_from_env(environ)
    assert backend is usb_backend_from_env(environ)  # one chip per spec per process
    dev = usb.core.find(idVendor=0x0483, backend=backend)
    assert dev.idProduct == 0x374B
    dev.write(0x01, bytes([0xF1]).ljust(16, b"\0"))
    assert bytes(dev.read(0x81, 6))[:2] == (2 << 12 | 40 << 6 | 27).to_bytes(2, "big")
    assert fake_chips[0].faults == ["wrp"]


def test_state_and_stats_saved_on_close(fake_chips: list[SavingTarget], tmp_path) -> None:
    state, stats = tmp_path / "chip.json", tmp_path / "stats.json"
    backend = usb_backend_from_env({"OCDPY_SIM": f"stm32f103c8,state={state},stats={stats},deterministic"})
    dev = usb.core.find(idVendor=0x0483, backend=backend)
    dev.write(0x02, bytes([0xF5]).ljust(16, b"\0"))
    dev.read(0x81, 2)
    usb.util.dispose_resources(dev)
    assert fake_chips[0].saved == [str(state)]
    figures = json.loads(stats.read_text())
    assert figures["probe_commands"] == 1 and figures["chip"] == "stm32f103c8"
    assert figures["deterministic"] is True and figures["modeled_seconds"] > 0


def test_bad_chip_and_fault_list_the_valid_ones(fake_chips: list[SavingTarget]) -> None:
    with pytest.raises(ConfigError) as info:
        usb_backend_from_env({"OCDPY_SIM": "stm32f999"})
    assert "valid chips: stm32f103c8, stm32f407vg" in str(info.value)
    with pytest.raises(ConfigError) as info:
        usb_backend_from_env({"OCDPY_SIM": "stm32f103c8,fault=smoke"})
    assert "unknown fault 'smoke'" in str(info.value)
    assert "rdp1, wrp, no-power, usb-error-after=N, unplug-after=N" in str(info.value)
    with pytest.raises(ConfigError) as info:
        usb_backend_from_env({"OCDPY_SIM": "stm32f103c8,probe=jlink"})
    assert "valid probes: stlink-v2, stlink-v2-1" in str(info.value)
    with pytest.raises(ConfigError) as info:
        usb_backend_from_env({"OCDPY_SIM": "stm32f103c8,probe=stlink-v3,fw=V2J37S7"})
    assert "for an ST-Link V2, but the probe is a stlink-v3" in str(info.value)

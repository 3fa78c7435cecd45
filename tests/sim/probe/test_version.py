"""Firmware version names: parsing, OpenOCD-style printing, feature gates."""

from __future__ import annotations

import pytest

from ocdpy.errors import ConfigError
from ocdpy.sim.stlink import FirmwareVersion


@pytest.mark.parametrize("text,printed", [
    ("V2J37S7", "V2J37S7"),
    ("v2j37m26", "V2J37M26"),
    ("V3J7M3B5S1", "V3J7M3B5S1"),
    ("V2.J17.S4", "V2J17S4"),
    ("V2J24S0", "V2J24S0"),
])
def test_parse_and_print(text: str, printed: str) -> None:
    assert str(FirmwareVersion.parse(text)) == printed


@pytest.mark.parametrize("text", ["", "J37S7", "V2J37S7X", "V2J99S7", "V2J37S7M26", "V1J11", "V2J37J38"])
def test_bad_versions(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        FirmwareVersion.parse(text)
    assert "ST-Link firmware version" in str(info.value)


def test_feature_gates_follow_release_history() -> None:
    old, mid, new = (FirmwareVersion.parse(v) for v in ("V2J17S4", "V2J28S7", "V2J37S7"))
    assert old.has_trace and old.has_getlastrwstatus2 and not old.has_swd_set_freq
    assert not old.has_dap_reg and not old.has_mem_16bit
    assert mid.has_ap_init and mid.has_mem_16bit and not mid.has_dpbanksel
    assert new.has_dpbanksel and new.rw8_max == 64
    v3 = FirmwareVersion.parse("V3J7M3B5S1")
    assert v3.has_com_freq and not v3.has_swd_set_freq and v3.rw8_max == 512
    assert FirmwareVersion.parse("V3J5M2").rw8_max == 64

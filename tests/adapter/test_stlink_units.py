"""ST-Link pieces that need no probe: version decoding and feature gates, the clock
tables, serial matching, status bytes to errors, reset_config words."""

from __future__ import annotations

import struct

import pytest

from ocdpy.adapter import AdapterSettings, ResetConfig, create_adapter
from ocdpy.adapter.stlink import StlinkVersion, serial_matches, status_error
from ocdpy.adapter.stlink.speed import V2_SWD_SPEEDS, match_speed, unmatched_message
from ocdpy.errors import ConfigError, ProbeError, TargetConnectionError, TransferFaultError


def _reply(v: int, x: int, y: int, pid: int) -> bytes:
    return struct.pack(">H", (v << 12) | (x << 6) | y) + struct.pack("<HH", 0x0483, pid)


def test_v2_version_and_features() -> None:
    ver = StlinkVersion.decode(_reply(2, 37, 7, 0x3748))
    assert (ver.stlink, ver.jtag, ver.swim, ver.msd) == (2, 37, 7, 0)
    assert ver.describe() == "STLINK V2J37S7 (API v2) VID:PID 0483:3748"
    assert ver.has("dpbanksel") and ver.has("swd_set_freq") and not ver.has("com_freq")
    assert ver.rw8_max == 64 and ver.upgrade_advice() is None


def test_v2_1_reports_mass_storage_not_swim() -> None:
    ver = StlinkVersion.decode(_reply(2, 37, 26, 0x374B))
    assert str(ver) == "V2J37M26"
    stm8 = StlinkVersion.decode(_reply(2, 25, 7, 0x374B))  # an STM8-only (SWIM) V2-1
    assert (stm8.jtag, stm8.msd, stm8.swim) == (0, 25, 7)


def test_v3_needs_the_extended_version() -> None:
    short = _reply(3, 0, 0, 0x374F)
    assert StlinkVersion.needs_version_ex(short)
    ex = bytes([3, 1, 7, 3, 5, 0, 0, 0]) + struct.pack("<HH", 0x0483, 0x374F)
    ver = StlinkVersion.decode(short, ex)
    assert ver.describe() == "STLINK V3J7M3B5S1 (API v3) VID:PID 0483:374F"
    assert ver.has("com_freq") and ver.has("rw8_512") and not ver.has("swd_set_freq")
    assert ver.rw8_max == 512


@pytest.mark.parametrize("jtag,features,missing", [
    (17, ("trace", "getlastrwstatus2"), ("swd_set_freq", "dap_reg", "mem_16bit")),
    (24, ("swd_set_freq", "dap_reg", "jtag_set_freq"), ("mem_16bit", "ap_init")),
    (28, ("mem_16bit", "ap_init"), ("fix_close_ap", "dpbanksel")),
    (32, ("dpbanksel", "csw", "fix_close_ap"), ("rw8_512",)),
])
def test_v2_feature_thresholds(jtag: int, features: tuple[str, ...], missing: tuple[str, ...]) -> None:
    ver = StlinkVersion(2, jtag, 7)
    assert all(ver.has(f) for f in features)
    assert not any(ver.has(f) for f in missing)


def test_old_firmware_advice_names_the_minimum() -> None:
    advice = StlinkVersion(2, 17, 4).upgrade_advice()
    assert advice is not None
    assert advice.startswith("ST-Link firmware V2J17S4 is old")
    assert "SWD clock" in advice and "16-bit" in advice and "V2J26" in advice
    assert StlinkVersion(2, 26, 7).upgrade_advice() is None
    assert StlinkVersion(3, 1, 0).upgrade_advice() is None


def test_v2_speed_table_matching() -> None:
    speeds = [khz for khz, _ in V2_SWD_SPEEDS]
    assert match_speed(speeds, 4000) == (0, True)
    assert speeds[match_speed(speeds, 1000)[0]] == 950
    assert match_speed(speeds, 1000)[1] is False
    assert speeds[match_speed(speeds, 100000)[0]] == 4000
    index, exact = match_speed(speeds, 3)  # below the slowest: the slowest
    assert (speeds[index], exact) == (5, False)
    assert unmatched_message(1000, 950) == "Unable to match requested speed 1000 kHz, using 950 kHz"


def test_v3_table_with_empty_slots() -> None:
    speeds = [24000, 8000, 3300, 1000, 200, 50, 5, 0, 0, 0]
    assert speeds[match_speed(speeds, 2000)[0]] == 1000
    assert speeds[match_speed(speeds, 1)[0]] == 5


def test_serial_matching_covers_old_v2_raw_serials() -> None:
    serial = "55FF6E064965535156522187"
    assert serial_matches(serial, serial)
    assert serial_matches(serial.lower(), serial)
    raw = "".join(chr(b) for b in bytes.fromhex(serial))
    assert len(raw) == 12 and serial_matches(raw, serial)
    assert not serial_matches("066DFF535254887767221438", serial)


def test_status_bytes_become_typed_errors() -> None:
    fault = status_error(0x11, "memory read", 0x60000000)
    assert isinstance(fault, TransferFaultError) and fault.address == 0x60000000
    assert "memory read at 0x60000000 failed" in str(fault)
    link = status_error(0x12, "memory read", 0xE000EDF0)
    assert isinstance(link, TargetConnectionError)
    assert "check the wiring" in str(link) and "connect_assert_srst" in str(link)
    other = status_error(0x42, "clock setting")
    assert type(other) is ProbeError and "does not know this command" in str(other)


def test_reset_config_words() -> None:
    rc = ResetConfig.parse("srst_only srst_nogate connect_assert_srst")
    assert rc.has_srst and rc.srst_nogate and rc.connect_assert_srst and not rc.has_trst
    assert not ResetConfig.parse("none separate").has_srst


@pytest.mark.parametrize("settings,text", [
    (AdapterSettings(driver="cmsis-dap"), "adapter driver 'cmsis-dap' is not supported"),
    (AdapterSettings(driver="hla", hla_layout="ti-icdi"), "hla_layout ti-icdi is not supported"),
    (AdapterSettings(driver="st-link", transport="hla_swd"), "does not go with adapter driver st-link"),
    (AdapterSettings(backend="serial"), "unknown ST-Link backend"),
])
def test_unsupported_configurations_are_refused(settings: AdapterSettings, text: str) -> None:
    with pytest.raises(ConfigError, match=text):
        create_adapter(settings)


def test_jtag_transport_is_refused_at_open() -> None:
    adapter = create_adapter(AdapterSettings(transport="hla_jtag"))
    with pytest.raises(ConfigError, match="use SWD"):
        adapter.open()


def test_settings_from_the_sessions_adapter_config() -> None:
    from ocdpy.adapter import settings_from_config
    from ocdpy.target.adapter_config import AdapterConfig, ResetFlag
    from ocdpy.target.adapter_config import ResetConfig as SessionReset

    cfg = AdapterConfig(driver="st-link", clock_mode="khz", speed_khz=4000, serial="ABC",
                        usb_ids=[(0x0483, 0x374B)], backend="tcp", tcp_port=7185,
                        reset=SessionReset(ResetFlag.HAS_SRST | ResetFlag.SRST_NO_GATING
                                           | ResetFlag.CNCT_UNDER_SRST))
    s = settings_from_config(cfg, "dapdirect_swd")
    assert (s.driver, s.speed_khz, s.serial, s.vid_pids, s.backend, s.tcp_port, s.transport) == (
        "st-link", 4000, "ABC", [(0x0483, 0x374B)], "tcp", 7185, "dapdirect_swd")
    assert s.reset == ResetConfig(has_srst=True, srst_nogate=True, connect_assert_srst=True)
    default = settings_from_config(AdapterConfig(driver="hla"))
    assert default.speed_khz is None and len(default.vid_pids) == 9 and default.backend == "usb"

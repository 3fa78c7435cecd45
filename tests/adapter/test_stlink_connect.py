"""ocdpy's ST-Link driver against the virtual ST-Link, through pyusb and over the
ST-LINK server protocol: what it logs while connecting, the clock it picks, probe
selection by serial, and the errors of every probe-side and power fault."""

from __future__ import annotations

import socket

import pytest

from ocdpy.errors import ProbeDisconnectedError, ProbeError, TargetConnectionError

from .rig import LINKS, captured_log, rig


def _lines(out) -> list[str]:
    return out.getvalue().splitlines()


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("probe,version_line", [
    ("stlink-v2", "Info : STLINK V2J37S7 (API v2) VID:PID 0483:3748"),
    ("stlink-v2-1", "Info : STLINK V2J37M26 (API v2) VID:PID 0483:374B"),
    ("stlink-v3", "Info : STLINK V3J7M3B5S1 (API v3) VID:PID 0483:374F"),
])
def test_connect_logs_what_openocd_logs(link: str, probe: str, version_line: str) -> None:
    with captured_log() as out, rig(probe=probe, link=link) as r:
        assert r.adapter.is_open
        assert r.probe.mode == 0x02  # the virtual probe is in SWD debug mode
        assert r.adapter.hla is not None and r.adapter.dap is None
        assert r.adapter.hla.read_u32(0xE000ED00) == 0x411FC231  # CPUID of the F103's Cortex-M3
    lines = _lines(out)
    expected = [version_line, "Info : Target voltage: 3.300000"]
    if link == "tcp":
        expected = ["Info : connected to stlink-server", "Info : stlink-server API v3, version 2.1.1",
                    *expected]
    assert lines == expected
    assert r.probe.mode != 0x02  # close() left debug mode


@pytest.mark.parametrize("link", LINKS)
def test_v2_clock_from_the_divisor_table(link: str) -> None:
    with captured_log() as out, rig(link=link, speed=1000) as r:
        assert r.adapter.speed_khz == 950
        assert r.probe.swd_khz == 950  # the divisor the probe got gives 950 kHz
        assert r.adapter.query_speed(4000) == 4000
        assert r.adapter.query_speed(1000) == 950
        assert r.adapter.set_speed(3) == 5
        assert r.probe.swd_khz == 5
    assert "Info : Unable to match requested speed 1000 kHz, using 950 kHz" in _lines(out)
    assert not any("4000" in line for line in _lines(out))
    assert not any("speed 3 kHz" in line for line in _lines(out))  # set_speed only sets


@pytest.mark.parametrize("link", LINKS)
def test_v3_clock_from_the_probes_own_list(link: str) -> None:
    with captured_log() as out, rig(probe="stlink-v3", link=link, speed=2000) as r:
        assert r.adapter.speed_khz == 1000 and r.probe.swd_khz == 1000
        assert r.adapter.set_speed(24000) == 24000 and r.probe.swd_khz == 24000
        assert r.adapter.query_speed(2000) == 1000
    assert _lines(out)[-1] == "Info : Unable to match requested speed 2000 kHz, using 1000 kHz"


def test_speed_before_open_is_remembered() -> None:
    with rig(open_adapter=False) as r:
        assert r.adapter.query_speed(1000) == 1000  # as OpenOCD: no probe yet, no matching
        r.adapter.set_speed(480)
        r.adapter.open()
        assert r.probe.swd_khz == 480 and r.adapter.speed_khz == 480


@pytest.mark.parametrize("link", LINKS)
def test_select_probe_by_serial(link: str) -> None:
    second = "0F0000000000000000000001"
    with rig(link=link, probes=2, serial=second) as r:
        assert r.adapter.link.serial == second
    with pytest.raises(ProbeError, match="no ST-Link with serial 'NOPE'|serial mismatch") as info:
        with rig(link=link, probes=2, serial="NOPE"):
            pass
    assert second in str(info.value)


@pytest.mark.parametrize("link", LINKS)
def test_old_v2_raw_serial_quirk(link: str) -> None:
    hex_serial = "55FF6E064965535156522187"  # the virtual V2 sends it as 12 raw bytes
    with rig(link=link, serial=hex_serial) as r:
        assert r.adapter.link.serial == hex_serial
    raw = "".join(chr(b) for b in bytes.fromhex(hex_serial))
    with rig(link=link, serial=raw) as r:
        assert r.adapter.is_open


def test_no_probe_on_usb() -> None:
    from ocdpy.adapter import AdapterSettings, create_adapter
    from ocdpy.sim.usb_backend import SimUsbBackend

    adapter = create_adapter(AdapterSettings(usb_backend=SimUsbBackend([])))
    with pytest.raises(ProbeError, match="open failed: no ST-Link found on USB") as info:
        adapter.open()
    assert "0483:3748" in str(info.value) and "udev" in str(info.value)


def test_no_stlink_server() -> None:
    from ocdpy.adapter import AdapterSettings, create_adapter

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    adapter = create_adapter(AdapterSettings(backend="tcp", tcp_port=port))
    with pytest.raises(ProbeError, match=f"cannot connect to the ST-LINK server at 127.0.0.1:{port}") as info:
        adapter.open()
    assert "stlink-server" in str(info.value)


def test_probe_in_use_by_another_client() -> None:
    from ocdpy.adapter import AdapterSettings, create_adapter

    with rig(link="tcp") as r:
        other = create_adapter(AdapterSettings(backend="tcp", tcp_port=r.port))
        with pytest.raises(ProbeError, match="the selected device is already used"):
            other.open()


@pytest.mark.parametrize("link", LINKS)
def test_old_firmware_warns_and_names_the_minimum(link: str) -> None:
    with captured_log() as out, rig(link=link, fw="V2J17S4", speed=1000) as r:
        assert r.adapter.speed_khz == 1000  # cannot set the clock: kept as asked
        data = bytes(range(7))
        r.adapter.hla.write_memory(0x20001101, data, 2)  # 16-bit needs J26: done with bytes
        assert r.adapter.hla.read_memory(0x20001101, 7, 2) == data
    lines = _lines(out)
    assert "Info : STLINK V2J17S4 (API v2) VID:PID 0483:3748" in lines
    warning = next(line for line in lines if line.startswith("Warn : "))
    assert "ST-Link firmware V2J17S4 is old" in warning and "V2J26" in warning
    assert not any("Unable to match" in line for line in lines)


def test_old_firmware_cannot_do_dap_direct() -> None:
    with pytest.raises(ProbeError, match="ST-Link version does not support DAP direct transport") as info:
        with rig(fw="V2J17S4", driver="st-link"):
            pass
    assert "V2J24" in str(info.value) and "stlink.cfg" in str(info.value)


@pytest.mark.parametrize("link", LINKS)
def test_no_power(link: str) -> None:
    with pytest.raises(TargetConnectionError) as info, rig(link=link, faults=("no-power",)):
        pass
    assert "target voltage is 0.00 V, target not powered?" in str(info.value)


@pytest.mark.parametrize("link", LINKS)
def test_swd_disabled_suggests_connect_under_reset(link: str) -> None:
    with pytest.raises(TargetConnectionError) as info, rig(link=link, faults=("swd-disabled",), run_s=0.01):
        pass
    text = str(info.value)
    assert "cannot connect to the target over SWD" in text and "powered (3.30 V)" in text
    assert "`reset_config srst_only connect_assert_srst`" in text


def test_swd_disabled_connects_under_reset() -> None:
    with rig(faults=("swd-disabled",), run_s=0.01, reset="srst_only connect_assert_srst") as r:
        assert r.adapter.srst_asserted
        assert r.chip.state == "reset"  # NRST held through the connection
        assert r.adapter.hla.read_u32(0xE000ED00) == 0x411FC231


def test_nrst_not_wired_and_swd_disabled() -> None:
    with pytest.raises(TargetConnectionError, match="even with NRST held low") as info:
        with rig(faults=("swd-disabled", "nrst-open"), run_s=0.01, reset="srst_only connect_assert_srst"):
            pass
    assert "NRST wiring" in str(info.value)


BRINGUP_TRANSFERS = 13  # USB transfers to bring an ST-Link/V2 up (commands and replies)


def test_bringup_transfer_count() -> None:
    with rig() as r:
        assert r.probe.usb_transfers == BRINGUP_TRANSFERS


@pytest.mark.parametrize("offset", [1, 2, 3, 4])
def test_usb_error_is_reported_and_recovered_from(offset: int) -> None:
    # the failing transfer is a write's command, its data, then a read's command or reply
    with rig(faults=(f"usb-error-after={BRINGUP_TRANSFERS + offset}",)) as r:
        hla = r.adapter.hla
        data = b"\x11\x22\x33\x44\x55\x66\x77\x88"
        with pytest.raises(ProbeError, match=r"ST-Link USB transfer failed \(USB error: Input/Output Error"):
            for _ in range(4):
                hla.write_memory(0x20001000, data, 4)
                hla.read_memory(0x20001000, 8, 4)
        hla.write_memory(0x20001000, data, 4)  # the same objects work again afterwards
        assert hla.read_memory(0x20001000, 8, 4) == data
        assert hla.read_u32(0xE000ED00) == 0x411FC231


@pytest.mark.parametrize("link", LINKS)
def test_unplugged_probe(link: str) -> None:
    with rig(link=link, faults=("unplug-after=9",)) as r:  # 7 commands bring the probe up
        with pytest.raises(ProbeDisconnectedError, match=r"ST-Link disconnected \(") as info:
            for _ in range(5):
                r.adapter.hla.read_memory(0x20000000, 64, 4)
        assert "check the cable, then run again" in str(info.value)
        unplugged = "the ST-Link was unplugged (or its USB link failed): reconnect it and run again"
        assert r.adapter.disconnected == unplugged
        with pytest.raises(ProbeDisconnectedError) as info:  # still an error, never a hang
            r.adapter.hla.read_u32(0x20000000)
        assert str(info.value) == unplugged  # not "not open": it says what happened


def test_lost_stlink_server_connection() -> None:
    import socket

    with rig(link="tcp") as r:
        assert r.adapter.disconnected is None
        r.adapter.link.sock.shutdown(socket.SHUT_RDWR)  # as when the server stops
        with pytest.raises(ProbeDisconnectedError, match="ST-LINK server on port .*: restart it"):
            r.adapter.hla.read_u32(0x20000000)
        lost = r.adapter.disconnected
        assert lost is not None and lost.startswith("the connection to the ST-LINK server was lost")
        with pytest.raises(ProbeDisconnectedError) as info:
            r.adapter.hla.read_u32(0x20000000)
        assert str(info.value) == lost



def test_a_virtual_probe_gives_its_chips_modeled_clock() -> None:
    """On ocdpy's virtual USB bus the target's time is the chip's modeled time: waiting
    lets the chip run that long (no host sleep); over TCP (or real USB) it is wall time."""
    from ocdpy.adapter.base import WALL_CLOCK

    with rig() as r:
        clock = r.adapter.timebase
        assert clock is not WALL_CLOCK
        before = r.chip.clock.now
        assert clock.now() == before
        clock.wait(0.25)
        assert r.chip.clock.now == pytest.approx(before + 0.25)
    with rig(link="tcp") as r:
        assert r.adapter.timebase is WALL_CLOCK

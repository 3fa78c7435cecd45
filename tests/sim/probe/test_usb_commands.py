"""Raw ST-Link commands through pyusb against the virtual probe: the bytes a driver sees."""

from __future__ import annotations

import errno
import struct

import pytest
import usb.core

from .fake_target import AP0_IDR, DPIDR, SRAM
from .rawusb import RawProbe

DHCSR, DEMCR = 0xE000EDF0, 0xE000EDFC


@pytest.fixture
def p() -> RawProbe:
    probe = RawProbe("stlink-v2")
    assert probe.enter_swd() == b"\x80\x00"
    return probe


def test_get_version_v2_reply_bytes() -> None:
    p = RawProbe("stlink-v2")
    # V2J37S7: 2<<12 | 37<<6 | 7 = 0x2947 big-endian, then VID 0x0483 and PID 0x3748 little-endian
    assert p.cmd([0xF1], 6) == bytes([0x29, 0x47, 0x83, 0x04, 0x48, 0x37])


def test_get_version_v2_1_reports_msd_in_low_field() -> None:
    p = RawProbe("stlink-v2-1")
    assert p.cmd([0xF1], 6) == struct.pack(">H", 2 << 12 | 37 << 6 | 26) + struct.pack("<HH", 0x0483, 0x374B)


def test_v3_needs_get_version_ex() -> None:
    p = RawProbe("stlink-v3")
    assert p.cmd([0xF1], 6) == bytes([0x30, 0x00, 0x83, 0x04, 0x4F, 0x37])
    # V3J7M3B5S1: hw, swim, jtag, msd, bridge, 3 reserved, VID, PID
    assert p.cmd([0xFB], 12) == bytes([3, 1, 7, 3, 5, 0, 0, 0, 0x83, 0x04, 0x4F, 0x37])


def test_mode_switches() -> None:
    p = RawProbe("stlink-v2")
    assert p.cmd([0xF5], 2) == b"\x00\x00"  # a V2 comes up in DFU mode
    p.cmd([0xF3, 0x07])
    assert p.cmd([0xF5], 2) == b"\x01\x00"
    assert p.dbg(0x30, 0xA3) == b"\x80\x00"
    assert p.cmd([0xF5], 2) == b"\x02\x00"
    p.dbg(0x21, reply=0)
    assert p.cmd([0xF5], 2) == b"\x01\x00"
    assert RawProbe("stlink-v2-1").cmd([0xF5], 2) == b"\x01\x00"


def test_swd_enter_without_target_answers_idcode_error() -> None:
    p = RawProbe("stlink-v2")
    p.target.powered = False
    assert p.enter_swd() == b"\x09\x00"
    p.target.powered = True
    p.target.swd_dead = True
    assert p.dbg(0x30, 0xA3) == b"\x09\x00"


def test_target_voltage() -> None:
    p = RawProbe("stlink-v2")
    a0, a1 = struct.unpack("<II", p.cmd([0xF7], 8))
    assert 2 * a1 * 1.2 / a0 == pytest.approx(3.3, abs=0.01)
    p.target.powered = False
    a0, a1 = struct.unpack("<II", p.cmd([0xF7], 8))
    assert a0 != 0 and a1 == 0


def test_read_idcodes(p: RawProbe) -> None:
    assert p.dbg(0x31, reply=12) == b"\x80\x00\x00\x00" + struct.pack("<II", DPIDR, 0)


@pytest.mark.parametrize("sub_w,sub_r,width", [(0x0D, 0x0C, 1), (0x48, 0x47, 2), (0x08, 0x07, 4)])
def test_memory_write_read(p: RawProbe, sub_w: int, sub_r: int, width: int) -> None:
    data = bytes(range(1, 33))
    p.write_mem(sub_w, SRAM + 0x100, data)
    assert p.last_status2() == (0x80, 0)
    assert p.read_mem(sub_r, SRAM + 0x100, 32) == data
    assert p.target.writes[-1][2] == width  # the firmware used accesses of that width


def test_one_byte_read_replies_two_bytes(p: RawProbe) -> None:
    p.target.sram[0:2] = b"\xab\xcd"
    assert len(p.read_mem(0x0C, SRAM, 1, reply=64)) == 2
    assert p.read_mem(0x0C, SRAM, 1, reply=2)[0] == 0xAB


def test_faulting_read_reports_ap_fault_and_address(p: RawProbe) -> None:
    p.target.sram[-8:] = b"12345678"
    start = SRAM + len(p.target.sram) - 8
    data = p.read_mem(0x07, start, 16)
    assert data[:8] == b"12345678"  # bytes before the fault arrive
    assert p.last_status2() == (0x11, start + 8)  # SWD_AP_FAULT at the first bad address
    assert p.last_status2() == (0x80, 0)  # reading the status clears it
    assert p.read_mem(0x07, SRAM, 4) == bytes(4)  # sticky error was cleared
    assert p.last_status2() == (0x80, 0)
    assert 0x1E in p.target.aborts  # by an ABORT write


def test_getlastrwstatus_short_form(p: RawProbe) -> None:
    p.read_mem(0x07, 0x40000000, 4)
    assert p.dbg(0x3B) == b"\x11\x00"


def test_faulting_write(p: RawProbe) -> None:
    p.write_mem(0x08, 0x60000000, bytes(8))
    assert p.last_status2() == (0x11, 0x60000000)


def test_wait_ack_reported_as_ap_wait(p: RawProbe) -> None:
    p.target.wait_next = True
    p.read_mem(0x07, SRAM, 4)
    assert p.last_status2()[0] == 0x10


def test_alignment_and_length_limits(p: RawProbe) -> None:
    p.read_mem(0x07, SRAM + 2, 4)
    assert p.last_status2()[0] == 0x0A
    assert len(p.read_mem(0x0C, SRAM, 65)) == 65  # the host still gets its bytes ...
    assert p.last_status2()[0] == 0x08  # ... but 8-bit transfers stop at 64 bytes on a V2
    v3 = RawProbe("stlink-v3")
    v3.enter_swd()
    v3.read_mem(0x0C, SRAM, 512)
    assert v3.last_status2()[0] == 0x80


def test_debug_registers_halt_and_run(p: RawProbe) -> None:
    assert p.write_debug(DHCSR, 0xA05F0003) == 0x80
    status, dhcsr = p.read_debug(DHCSR)
    assert status == 0x80 and dhcsr & (1 << 17)
    assert p.dbg(0x01) == b"\x81\x00"  # legacy GETSTATUS: halted
    assert p.dbg(0x09) == b"\x80\x00"  # RUNCORE
    assert p.dbg(0x01) == b"\x80\x00"  # running
    assert p.dbg(0x02) == b"\x80\x00"  # FORCEDEBUG
    assert p.target.halted


def test_core_registers(p: RawProbe) -> None:
    p.write_debug(DHCSR, 0xA05F0003)
    assert p.dbg(0x34, 0, struct.pack("<I", 0xCAFEF00D)) == b"\x80\x00"
    assert p.dbg(0x34, 15, struct.pack("<I", 0x08000124)) == b"\x80\x00"
    r = p.dbg(0x33, 0, reply=8)
    assert r[:4] == b"\x80\x00\x00\x00" and struct.unpack_from("<I", r, 4)[0] == 0xCAFEF00D
    allregs = p.dbg(0x3A, reply=88)
    assert len(allregs) == 88 and allregs[0] == 0x80
    regs = struct.unpack_from("<21I", allregs, 4)
    assert regs[0] == 0xCAFEF00D and regs[15] == 0x08000124


def test_step(p: RawProbe) -> None:
    p.write_debug(DHCSR, 0xA05F0003)
    p.dbg(0x34, 15, struct.pack("<I", 0x08000100))
    assert p.dbg(0x0A) == b"\x80\x00"
    assert p.target.steps == 1 and p.target.halted


def test_resetsys_with_vector_catch_halts_at_reset_vector(p: RawProbe) -> None:
    p.target.flash[0:8] = struct.pack("<II", 0x20005000, 0x08000131)
    p.write_debug(DHCSR, 0xA05F0001)
    p.write_debug(DEMCR, 0x01000001)
    assert p.dbg(0x32) == b"\x80\x00"
    assert p.target.resets == 1 and p.target.halted
    r = p.dbg(0x33, 15, reply=8)
    assert struct.unpack_from("<I", r, 4)[0] == 0x08000130


def test_drive_nrst(p: RawProbe) -> None:
    assert p.dbg(0x3C, 0) == b"\x80\x00"
    assert p.dbg(0x3C, 1) == b"\x80\x00"
    assert p.dbg(0x3C, 2) == b"\x80\x00"
    assert p.target.nrst_events == [True, False, True, False]
    assert p.target.resets == 2


def test_nrst_works_before_swd_is_entered() -> None:
    p = RawProbe("stlink-v2")
    assert p.dbg(0x3C, 0) == b"\x80\x00"
    assert p.target.nrst_events == [True]


def test_target_access_before_swd_enter() -> None:
    p = RawProbe("stlink-v2-1")
    assert p.read_mem(0x07, SRAM, 4) == bytes(4)
    assert p.last_status2()[0] == 0x05
    assert p.dbg(0x36, struct.pack("<I", DHCSR), reply=8)[0] == 0x05


def test_dap_registers(p: RawProbe) -> None:
    r = p.dbg(0x45, struct.pack("<HH", 0xFFFF, 0x0), reply=8)
    assert r[0] == 0x80 and struct.unpack_from("<I", r, 4)[0] == DPIDR
    r = p.dbg(0x45, struct.pack("<HH", 0, 0xFC), reply=8)
    assert struct.unpack_from("<I", r, 4)[0] == AP0_IDR
    assert p.dbg(0x46, struct.pack("<HHI", 0, 0x04, SRAM + 8)) == b"\x80\x00"  # TAR
    p.target.sram[8:12] = b"\x11\x22\x33\x44"
    r = p.dbg(0x45, struct.pack("<HH", 0, 0x0C), reply=8)
    assert struct.unpack_from("<I", r, 4)[0] == 0x44332211


def test_init_ap_and_bad_ap(p: RawProbe) -> None:
    assert p.dbg(0x4B, 0) == b"\x80\x00"
    assert p.dbg(0x4B, 1) == b"\x1d\x00"  # no AP1 on this target: BAD_AP
    p.read_mem(0x07, SRAM, 4, ap=1)
    assert p.last_status2()[0] == 0x1D
    assert p.dbg(0x4C, 0) == b"\x80\x00"


def test_rw_misc(p: RawProbe) -> None:
    p.target.sram[0x20:0x24] = b"\x78\x56\x34\x12"
    codes = bytes([5, 1, 2, 3]) + bytes(0)  # APNUM, ADDRESS, WRITE, READ
    values = struct.pack("<4I", 0, SRAM + 0x40, 0xDEADBEEF, SRAM + 0x20)
    p.dbg(0x51, struct.pack("<I", 4), reply=0, data=codes + values)
    results = p.dbg(0x52, reply=32)
    vals, statuses = struct.unpack_from("<4I", results), struct.unpack_from("<4I", results, 16)
    assert statuses == (0x80,) * 4
    assert vals[3] == 0x12345678
    assert p.target.sram[0x40:0x44] == struct.pack("<I", 0xDEADBEEF)


def test_v2_swd_frequency_and_v3_com_freq() -> None:
    p = RawProbe("stlink-v2")
    assert p.dbg(0x43, struct.pack("<H", 3)) == b"\x80\x00"
    assert p.probe.swd_khz == 950
    v3 = RawProbe("stlink-v3")
    r = v3.dbg(0x62, 0, reply=52)
    assert r[0] == 0x80
    count = struct.unpack_from("<I", r, 8)[0]
    freqs = struct.unpack_from(f"<{count}I", r, 12)
    assert freqs[0] == 24000 and 1000 in freqs
    r = v3.dbg(0x61, 0, 0, struct.pack("<I", 4000), reply=8)
    assert r[0] == 0x80 and struct.unpack_from("<I", r, 4)[0] == 3300
    assert v3.dbg(0x43, struct.pack("<H", 3)) == b"\x42\x00"  # V3 has no V2 divisor command


def test_unknown_commands() -> None:
    p = RawProbe("stlink-v2")
    assert p.dbg(0x7F) == b"\x42\x00"
    p.cmd([0xEE])
    with pytest.raises(usb.core.USBTimeoutError):
        p.dev.read(p.ep_in, 64)
    p.cmd([0xFB])  # GET_VERSION_EX means nothing to a V2
    with pytest.raises(usb.core.USBTimeoutError):
        p.dev.read(p.ep_in, 64)


def test_old_firmware_lacks_newer_commands() -> None:
    p = RawProbe("stlink-v2", fw="V2J17S4")
    assert p.cmd([0xF1], 6)[:2] == struct.pack(">H", 2 << 12 | 17 << 6 | 4)
    p.enter_swd()
    assert p.dbg(0x43, struct.pack("<H", 1)) == b"\x42\x00"  # SWD_SET_FREQ: from J22
    assert p.dbg(0x45, struct.pack("<HH", 0xFFFF, 0), reply=8)[0] == 0x42  # DAP access: from J24
    assert p.dbg(0x47, struct.pack("<IH", SRAM, 4))[0] == 0x42  # 16-bit memory: from J26
    assert p.dbg(0x3B) == b"\x80\x00"  # the old last-status command still works
    assert p.dbg(0x3E, reply=12)[0] == 0x80  # GETLASTRWSTATUS2 arrived in J15
    old = RawProbe("stlink-v2", fw="V2J12S4")
    old.cmd([0xF7])  # no target voltage before J13: no answer
    with pytest.raises(usb.core.USBTimeoutError):
        old.dev.read(old.ep_in, 8)


def test_unread_reply_is_what_the_next_read_gets(p: RawProbe) -> None:
    p.cmd([0xF5])  # reply not read
    assert p.cmd([0xF1], 6)[:2] == b"\x02\x00"  # the stale GET_CURRENT_MODE reply comes first
    assert bytes(p.dev.read(p.ep_in, 6))[:2] == bytes([0x29, 0x47])


def test_short_read_overflows(p: RawProbe) -> None:
    p.cmd([0xF1])
    with pytest.raises(usb.core.USBError) as info:
        p.dev.read(p.ep_in, 2)
    assert info.value.errno == errno.EOVERFLOW


def test_usb_error_after_n_transfers() -> None:
    from ocdpy.sim.stlink import ProbeFaults

    p = RawProbe("stlink-v2", faults=ProbeFaults(usb_error_after=3))
    p.cmd([0xF1], 6)  # transfers 1 and 2
    with pytest.raises(usb.core.USBError) as info:
        p.cmd([0xF5])  # transfer 3 fails
    assert info.value.errno == errno.EIO
    assert str(info.value) == "[Errno 5] Input/Output Error"
    assert p.cmd([0xF5], 2) == b"\x00\x00"  # the probe is still there


def test_unplug_after_n_commands() -> None:
    from ocdpy.sim.stlink import ProbeFaults

    p = RawProbe("stlink-v2", faults=ProbeFaults(unplug_after=2))
    p.cmd([0xF1], 6)
    p.cmd([0xF5], 2)
    with pytest.raises(usb.core.USBError) as info:
        p.cmd([0xF5], 2)
    assert info.value.errno == errno.ENODEV
    assert "No such device (it may have been disconnected)" in str(info.value)
    with pytest.raises(usb.core.USBError):
        p.dev.read(p.ep_in, 2)
    assert usb.core.find(idVendor=0x0483, backend=p.backend) is None


def test_timing_counts_commands_bytes_and_swd_clock() -> None:
    slow, fast = RawProbe("stlink-v2"), RawProbe("stlink-v2")
    for probe, divisor in ((slow, 798), (fast, 0)):
        probe.enter_swd()
        probe.dbg(0x43, struct.pack("<H", divisor))
    t0s, t0f = slow.target.stats.clock.now, fast.target.stats.clock.now
    slow.read_mem(0x07, SRAM, 4096)
    fast.read_mem(0x07, SRAM, 4096)
    slow_cost = slow.target.stats.clock.now - t0s
    fast_cost = fast.target.stats.clock.now - t0f
    # 1024 words at 48 clocks: ~9.8 s at 5 kHz, ~12 ms at 4 MHz, plus the USB round trip
    assert slow_cost == pytest.approx(1030 * 48 / 5000, rel=0.05)
    assert 0.010 < fast_cost < 0.020
    stats = fast.target.stats.as_dict()
    assert stats["probe_commands"] == 5 and stats["bytes_in"] == 4096 + 2 + 2 + 2
    v3 = RawProbe("stlink-v3")
    t0 = v3.target.stats.clock.now
    v3.cmd([0xF5], 2)
    assert v3.target.stats.clock.now - t0 < slow.probe.kind.round_trip_s  # high-speed USB


def test_idle_wall_time_advances_only_when_not_deterministic() -> None:
    import time

    from ocdpy.sim.stlink import SimStlink

    from .fake_target import FakeTarget

    for deterministic in (True, False):
        target = FakeTarget()
        probe = SimStlink(target, "stlink-v2", deterministic=deterministic)
        probe.transact(bytes([0xF5]).ljust(16, b"\0"), b"", 2)
        t0 = target.stats.clock.now
        time.sleep(0.05)
        probe.transact(bytes([0xF5]).ljust(16, b"\0"), b"", 2)
        gained = target.stats.clock.now - t0
        if deterministic:
            assert gained == pytest.approx(0.001 + 20e-6 + 18 / 1e6)
        else:
            assert gained >= 0.05

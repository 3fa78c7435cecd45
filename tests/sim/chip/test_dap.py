"""SW-DP and MEM-AP behaviour as a probe sees it through raw DP/AP register accesses."""

from __future__ import annotations

import pytest

from ocdpy.sim.chips import create_chip
from ocdpy.sim.port import SimBusFault, SimSwdError

CSW, TAR, DRW, BD0 = 0x00, 0x04, 0x0C, 0x10
STICKYERR = 1 << 5


@pytest.fixture
def f1():
    chip = create_chip("stm32f103c8")
    chip.swd_line_reset()
    return chip


def test_power_up_requests_are_acknowledged(f1) -> None:
    assert f1.dp_read(0x4) & 0xF0000000 == 0
    f1.dp_write(0x4, 0x50000000)
    assert f1.dp_read(0x4) & 0xF0000000 == 0xF0000000


def test_drw_with_auto_increment_and_rdbuff(f1) -> None:
    f1.ap_write(0, CSW, 0x23000012)  # 32-bit, single increment
    f1.ap_write(0, TAR, 0x20000000)
    for value in (0x11111111, 0x22222222, 0x33333333):
        f1.ap_write(0, DRW, value)
    assert f1.ap_read(0, TAR) == 0x2000000C
    f1.ap_write(0, TAR, 0x20000004)
    assert f1.ap_read(0, DRW) == 0x22222222
    assert f1.dp_read(0xC) == 0x22222222  # RDBUFF holds the last AP read
    assert f1.ap_read(0, TAR) == 0x20000008


def test_byte_accesses_use_their_byte_lane(f1) -> None:
    f1.ap_write(0, CSW, 0x23000010)  # 8-bit, single increment
    f1.ap_write(0, TAR, 0x20000001)
    f1.ap_write(0, DRW, 0x0000AB00)  # lane 1 carries the byte for address ...1
    assert f1.mem_read(0, 0x20000000, 4, 4)[1] == 0xAB
    f1.ap_write(0, TAR, 0x20000001)
    assert f1.ap_read(0, DRW) == 0x0000AB00


def test_packed_transfers_are_not_offered(f1) -> None:
    f1.ap_write(0, CSW, 0x23000020)  # AddrInc = packed
    assert f1.ap_read(0, CSW) & 0x30 == 0x10
    assert f1.ap_read(0, CSW) & 0x40  # DeviceEn


def test_tar_increment_wraps_inside_4k_on_cortex_m3(f1) -> None:
    f1.ap_write(0, CSW, 0x23000012)
    f1.ap_write(0, TAR, 0x20000FFC)
    f1.ap_write(0, DRW, 1)
    assert f1.ap_read(0, TAR) == 0x20000000


def test_tar_increment_wraps_inside_1k_on_cortex_m7() -> None:
    h7 = create_chip("stm32h753xi")
    h7.swd_line_reset()
    h7.ap_write(0, CSW, 0x23000012)
    h7.ap_write(0, TAR, 0x200003FC)
    h7.ap_read(0, DRW)
    assert h7.ap_read(0, TAR) == 0x20000000


def test_banked_data_registers(f1) -> None:
    f1.mem_write(0, 0x20000010, bytes(range(16)), 4)
    f1.ap_write(0, CSW, 0x23000002)
    f1.ap_write(0, TAR, 0x20000010)
    assert [f1.ap_read(0, BD0 + 4 * i) for i in range(4)] == [0x03020100, 0x07060504, 0x0B0A0908, 0x0F0E0D0C]
    assert f1.ap_read(0, TAR) == 0x20000010  # no increment through BDx


def test_faulting_access_sets_stickyerr_until_abort(f1) -> None:
    f1.ap_write(0, CSW, 0x23000002)
    f1.ap_write(0, TAR, 0x30000000)  # nothing there on an F103
    with pytest.raises(SimSwdError) as info:
        f1.ap_read(0, DRW)
    assert info.value.ack == SimSwdError.ACK_FAULT
    assert f1.dp_read(0x4) & STICKYERR
    with pytest.raises(SimSwdError):  # every AP access faults while STICKYERR is set
        f1.ap_read(0, CSW)
    f1.dp_write(0x4, 0xFFFFFFFF)  # writing CTRL/STAT does not clear it on SWD
    assert f1.dp_read(0x4) & STICKYERR
    f1.dp_write(0x0, 0x04)  # ABORT.STKERRCLR
    assert not f1.dp_read(0x4) & STICKYERR
    assert f1.ap_read(0, CSW) & 0x7 == 2


def test_memory_command_fault_reports_first_bad_address(f1) -> None:
    # 0x20004FF8..0x20004FFF is the end of the 20 KiB SRAM; the next word is unmapped.
    with pytest.raises(SimBusFault) as info:
        f1.mem_read(0, 0x20004FF8, 16, 4)
    assert info.value.addr == 0x20005000
    assert f1.dp_read(0x4) & STICKYERR
    assert getattr(info.value, "data", b"") == f1.mem_read(0, 0x20004FF8, 8, 4)
    f1.mem_write(0, 0x20000000, b"\x01\x02\x03\x04", 4)  # the next command still works
    with pytest.raises(SimBusFault) as info:
        f1.mem_write(0, 0x20004FFC, b"\xaa" * 8, 4)
    assert info.value.addr == 0x20005000
    assert f1.mem_read(0, 0x20004FFC, 4, 4) == b"\xaa" * 4  # bytes before the fault landed


def test_reserved_peripheral_slot_reads_zero_but_unmapped_faults(f1) -> None:
    assert f1.mem_read(0, 0x40007C00, 4, 4) == bytes(4)  # reserved APB1 slot
    with pytest.raises(SimBusFault):
        f1.mem_read(0, 0x40030000, 4, 4)  # beyond the decoded peripheral space
    with pytest.raises(SimBusFault):
        f1.mem_read(0, 0x08010000, 4, 4)  # past the end of 64 KiB flash


def test_missing_access_port_reads_zero(f1) -> None:
    assert f1.ap_read(1, 0xFC) == 0
    f1.ap_write(1, CSW, 0x12)  # ignored, no fault
    with pytest.raises(SimBusFault):
        f1.mem_read(1, 0x20000000, 4, 4)

"""The bytes `Stlink` sends: command blocks, data phases and reply sizes, against a
scripted fake transport (no probe, no sim), the way probe-rs tests its drivers."""

from __future__ import annotations

import struct

import pytest

from ocdpy.adapter.stlink import Stlink, StlinkTransport, StlinkVersion
from ocdpy.errors import TransferFaultError

OK2 = b"\x80\x00"
STATUS2_OK = b"\x80\x00\x00\x00" + bytes(8)


class FakeTransport(StlinkTransport):
    """Records every command; answers memory reads with zeros and statuses with OK."""

    def __init__(self, fault_at: int | None = None) -> None:
        self.sent: list[tuple[bytes, int, int]] = []  # (block, data length, reply size)
        self.fault_at = fault_at

    def open(self) -> None: ...

    def close(self) -> None: ...

    @property
    def is_open(self) -> bool:
        return True

    def xfer(self, block: bytes, data_out: bytes = b"", read_size: int = 0) -> bytes:
        assert len(block) == 16
        self.sent.append((block, len(data_out), read_size))
        if block[:2] == b"\xf2\x3e":
            if self.fault_at is not None:
                return b"\x11\x00\x00\x00" + struct.pack("<II", self.fault_at, 0)
            return STATUS2_OK
        if block[:2] == b"\xf2\x36":
            return b"\x80\x00\x00\x00" + struct.pack("<I", 0x12345678)
        return bytes(read_size)


def _stlink(version: StlinkVersion, **kwargs: object) -> tuple[Stlink, FakeTransport]:
    fake = FakeTransport(**kwargs)  # type: ignore[arg-type]
    st = Stlink(fake)
    st.version = version
    return st, fake


V2J37 = StlinkVersion(2, 37, 7, vid=0x0483, pid=0x3748)


def _cmds(fake: FakeTransport) -> list[tuple[int, int, int, int]]:
    """(sub-command, address, length, reply size) of the memory commands sent."""
    return [(b[1], *struct.unpack_from("<IH", b, 2), n) for b, _, n in fake.sent if b[1] in (7, 8, 0x0C, 0x0D, 0x47, 0x48)]


def test_64k_read_is_16_blocks_of_4k_with_a_status_each() -> None:
    st, fake = _stlink(V2J37)
    st.tar_autoincr_block = 4096
    assert st.read_memory(0x08000000, 0x10000, 4) == bytes(0x10000)
    assert len(fake.sent) == 32
    assert _cmds(fake) == [(0x07, 0x08000000 + 0x1000 * i, 0x1000, 0x1000) for i in range(16)]
    assert {b[:2] for b, _, _ in fake.sent[1::2]} == {b"\xf2\x3e"}
    assert fake.sent[0][0] == bytes.fromhex("f2070000000800100000000000000000")


def test_one_word_is_one_debug_register_read() -> None:
    st, fake = _stlink(V2J37)
    assert st.read_memory(0x20000000, 4, 4) == struct.pack("<I", 0x12345678)
    assert fake.sent == [(bytes.fromhex("f2360000002000000000000000000000"), 0, 8)]


def test_unaligned_and_byte_transfers_are_split() -> None:
    st, fake = _stlink(V2J37)
    st.read_memory(0x20000001, 11, 4)  # 3 bytes, then 2 words
    assert _cmds(fake) == [(0x0C, 0x20000001, 3, 3), (0x07, 0x20000004, 8, 8)]
    fake.sent.clear()
    st.read_memory(0x20000000, 130, 1)  # 8-bit: 64 bytes per command on V2
    assert _cmds(fake) == [(0x0C, 0x20000000, 64, 64), (0x0C, 0x20000040, 64, 64), (0x0C, 0x20000080, 2, 2)]
    fake.sent.clear()
    st.read_memory(0x20000000, 1, 1)  # a single byte comes back padded to two
    assert _cmds(fake) == [(0x0C, 0x20000000, 1, 2)]


def test_16_bit_on_old_firmware_goes_as_bytes() -> None:
    st, fake = _stlink(StlinkVersion(2, 17, 4))
    st.write_memory(0x20000000, b"\x01\x02\x03\x04", 2)
    assert _cmds(fake) == [(0x0D, 0x20000000, 4, 0)]
    assert fake.sent[1][0][:2] == b"\xf2\x3e"  # J15+: the status with the fault address


def test_ap_and_csw_travel_in_the_memory_command() -> None:
    st, fake = _stlink(V2J37)
    st.write_memory(0x38000000, bytes(8), 4, ap=1, csw=0xA2000012)
    block, data_len, _ = fake.sent[0]
    assert block == bytes.fromhex("f208000000380800010000a200000000") and data_len == 8


def test_fault_address_from_the_status_query() -> None:
    st, _ = _stlink(V2J37, fault_at=0x20005000)
    with pytest.raises(TransferFaultError) as info:
        st.read_memory(0x20004FF0, 32, 4)
    assert info.value.address == 0x20005000


def test_read_all_core_registers_in_one_command() -> None:
    st, fake = _stlink(V2J37)

    def xfer(block: bytes, data_out: bytes = b"", read_size: int = 0) -> bytes:
        fake.sent.append((block, len(data_out), read_size))
        return b"\x80\x00\x00\x00" + struct.pack("<21I", *range(100, 121))

    fake.xfer = xfer  # type: ignore[method-assign]
    regs = st.read_all_core_regs()
    assert fake.sent == [(bytes.fromhex("f23a" + "00" * 14), 0, 88)]
    assert regs[0] == 100 and regs[15] == 115 and (regs[16], regs[17], regs[18]) == (116, 117, 118)

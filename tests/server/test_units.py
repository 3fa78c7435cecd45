"""Pieces of the servers on their own: RSP framing, GDB's CRC, the XML documents,
telnet negotiation parsing, completion."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from ocdpy.server.completion import complete
from ocdpy.server.gdb import packets
from ocdpy.server.gdb.crc import GdbCrc, gdb_crc32
from ocdpy.server.gdb.regs import cortex_m_registers
from ocdpy.server.gdb.xml import memory_map, target_description
from ocdpy.server.targets import FlashRegion
from ocdpy.server.telnet_protocol import TelnetParser

from .fakes import FakeSession


def _reference_crc(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
            crc &= 0xFFFFFFFF
    return crc


def test_crc_matches_the_bitwise_definition() -> None:
    for n in (0, 1, 3, 64, 1000):
        data = os.urandom(n)
        assert gdb_crc32(data) == _reference_crc(data)
    crc = GdbCrc()
    crc.update(b"12345")
    crc.update(b"6789")
    assert crc.value == _reference_crc(b"123456789") == 0x0376E6E7


def test_reader_frames_acks_interrupts_and_escapes() -> None:
    r = packets.PacketReader()
    events = r.feed(b"+$qC#b4-\x03$X0,2:}]}\x03#")
    assert [(e.kind, e.data) for e in events] == [
        ("ack", b""), ("packet", b"qC"), ("nak", b""), ("interrupt", b"")]
    # the rest of the X packet arrives later; its escapes are undone
    tail = b"X0,2:}]}\x03"
    events = r.feed(b"%02x" % (sum(tail) & 0xFF))
    assert [(e.kind, e.data) for e in events] == [("packet", b"X0,2:}#")]
    assert [e.kind for e in r.feed(b"$qC#00")] == ["bad-checksum"]


def test_reader_bounds_what_it_holds() -> None:
    r = packets.PacketReader(max_packet=100)
    events = r.feed(b"$" + b"a" * 1000)
    assert [e.kind for e in events] == ["too-long"]
    assert len(r._buf) == 0
    # the rest of that packet is skipped, the next one is read
    events = r.feed(b"a" * 500 + b"#00$qC#b4")
    assert [(e.kind, e.data) for e in events] == [("packet", b"qC")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=8), st.binary(max_size=200))
def test_reader_round_trips_any_payload_among_garbage(payloads, garbage) -> None:
    garbage = bytes(b for b in garbage if b not in b"$+-\x03")
    wire = garbage
    for p in payloads:
        escaped = packets.escape(p)
        wire += b"$" + escaped + b"#" + b"%02x" % (sum(escaped) & 0xFF)
    r = packets.PacketReader()
    got = []
    for i in range(0, len(wire), 7):  # arbitrary chunking
        got += [e.data for e in r.feed(wire[i:i + 7]) if e.kind == "packet"]
    assert got == payloads


def test_frame() -> None:
    assert packets.frame(b"OK") == b"$OK#9a"
    assert packets.frame(b"a#b", binary=True) == b"$a}\x03b#" + b"%02x" % (sum(b"a}\x03b") & 0xFF)


def test_target_description_registers_and_features() -> None:
    xml = target_description(cortex_m_registers(fpu=False))
    assert '<reg name="pmsk_bpri_fltmsk_ctrl"' not in xml  # hidden from GDB
    assert xml.count("<reg ") == 23
    assert '<feature name="org.gnu.gdb.arm.vfp">' not in xml
    xml = target_description(cortex_m_registers(fpu=True))
    assert '<reg name="fpscr" bitsize="32" regnum="58"' in xml


def test_memory_map_groups_equal_sectors() -> None:
    # an STM32F4-like bank: 4 x 16K, 1 x 64K, 7 x 128K
    sectors, off = [], 0
    for size, count in ((0x4000, 4), (0x10000, 1), (0x20000, 7)):
        for _ in range(count):
            sectors.append((off, size))
            off += size
    xml = memory_map([FlashRegion("f4", 0x08000000, off, sectors)])
    assert xml == (
        '<memory-map>\n<memory type="ram" start="0x00000000" length="0x08000000"/>\n'
        '<memory type="flash" start="0x08000000" length="0x10000">\n'
        '<property name="blocksize">0x4000</property>\n</memory>\n'
        '<memory type="flash" start="0x08010000" length="0x10000">\n'
        '<property name="blocksize">0x10000</property>\n</memory>\n'
        '<memory type="flash" start="0x08020000" length="0xe0000">\n'
        '<property name="blocksize">0x20000</property>\n</memory>\n'
        '<memory type="ram" start="0x08100000" length="0xf7f00000"/>\n</memory-map>\n')


def test_telnet_parser_strips_negotiation_and_reads_ttype_and_size() -> None:
    p = TelnetParser()
    data = (b"\xff\xfb\x18\xff\xfa\x18\x00xterm-256color\xff\xf0ab"
            b"\xff\xfa\x1f\x00\x78\x00\x28\xff\xf0c\xff\xffd")
    assert p.feed(data) == b"abc\xffd"
    assert p.ttype == "xterm-256color"
    assert p.size == (120, 40)
    # a subnegotiation that never ends stays bounded
    p.feed(b"\xff\xfa" + b"x" * 100000)
    assert len(p._sub) <= 256


def test_completion_of_commands_subcommands_and_variables() -> None:
    s = FakeSession()
    c = complete(s, "fla")
    assert c.candidates == ["flash banks", "flash erase_address", "flash write_image"]
    assert c.common == "flash "
    assert complete(s, "flash w").candidates == ["flash write_image"]
    assert complete(s, "set x [md").candidates == ["mdw"]
    assert complete(s, "flash   ba").candidates == ["flash banks"]  # extra spaces collapse
    s.run_command("set my_var 1")
    assert complete(s, "echo $my_").candidates == ["my_var"]
    assert complete(s, "gdb_port").candidates == []  # config-only after init
    assert complete(s, "nosuch").candidates == []

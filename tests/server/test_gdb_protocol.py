"""The GDB server packet by packet, against the fake target, over a real socket."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from .fakes import FLASH_BASE, RAM_BASE, FakeSession, FakeTarget, running_host
from .rsp import RspClient, escape_binary

DATA = Path(__file__).parent / "data"


@pytest.fixture
def served():
    target = FakeTarget()
    session = FakeSession(target)
    with running_host(session) as host:
        yield target, session, host


def connect(host) -> RspClient:
    client = RspClient(host.port_of("gdb"))
    return client


def test_supported_and_target_description(served) -> None:
    target, session, host = served
    gdb = connect(host)
    assert gdb.sock.recv(1) == b"+"  # the server acks the connection first, as OpenOCD
    supported = gdb.handshake()
    assert supported == (b"PacketSize=4000;qXfer:memory-map:read+;qXfer:features:read+;"
                         b"qXfer:threads:read+;QStartNoAckMode+;vContSupported+")
    tdesc = gdb.xfer("features:read:target.xml")
    assert tdesc == (DATA / "openocd-0.12-stm32f1x-tdesc.xml").read_bytes()
    memory_map = gdb.xfer("memory-map:read:")
    assert memory_map == (
        b'<memory-map>\n<memory type="ram" start="0x00000000" length="0x08000000"/>\n'
        b'<memory type="flash" start="0x08000000" length="0x10000">\n'
        b'<property name="blocksize">0x400</property>\n</memory>\n'
        b'<memory type="ram" start="0x08010000" length="0xf7ff0000"/>\n</memory-map>\n')
    assert gdb.xfer("threads:read:") == b'<?xml version="1.0"?>\n<threads>\n</threads>\n'
    assert gdb.ask("qXfer:features:read:other.xml:0,100") == b"E00"
    assert gdb.ask("vCont?") == b"vCont;c;C;s;S"
    for query, answer in [("qC", b"QC0"), ("qAttached", b"1"), ("qOffsets", b"Text=0;Data=0;Bss=0"),
                          ("qfThreadInfo", b"l"), ("qsThreadInfo", b"l"), ("qSymbol::", b"OK"),
                          ("qTStatus", b""), ("Hg0", b"OK"), ("vMustReplyEmpty", b""),
                          ("!", b"OK")]:
        assert gdb.ask(query) == answer, query


def test_fpu_target_description_has_vfp() -> None:
    target = FakeTarget(fpu=True)
    with running_host(FakeSession(target)) as host:
        gdb = connect(host)
        gdb.handshake()
        tdesc = gdb.xfer("features:read:target.xml")
        assert tdesc == (DATA / "openocd-0.12-stm32f4x-tdesc.xml").read_bytes()
        target.regs[42] = 0x3FF0000000000000  # d0 = 1.0
        assert gdb.ask("p2a") == bytes.fromhex("000000000000f03f").hex().encode()


def test_attach_halts_and_reports_signal(served) -> None:
    target, session, host = served
    target._state = "running"
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("!") == b"OK"
    assert gdb.ask("?") == b"S02"  # halted by the default gdb-attach handler
    assert target.events[:2] == ["gdb-attach", "halted"]


def test_registers(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    target.regs[0] = 0x11223344
    target.regs[15] = 0x080000B4
    g = gdb.ask("g")
    assert len(g) == 17 * 8
    assert g[:8] == b"44332211"
    assert g[15 * 8:16 * 8] == b"b4000008"
    assert gdb.ask("p11") == b"00500020"  # msp, not in the g packet
    assert gdb.ask("p14") == b"00"  # primask: 1 bit, one byte
    assert gdb.ask("Pf=44000008") == b"OK"
    assert target.regs[15] == 0x08000044
    values = b"".join((i * 0x01010101).to_bytes(4, "little").hex().encode() for i in range(17))
    assert gdb.ask(b"G" + values) == b"OK"
    assert target.regs[3] == 0x03030303 and target.regs[16] == 0x10101010
    assert gdb.ask("p13") == b"E0E"  # the hidden register 19 does not exist for GDB
    assert gdb.ask("P0=1122") == b"E0E"  # 16 bits for a 32-bit register


def test_memory_read_write(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    target.flash[0:8] = bytes.fromhex("0050002045000008")
    assert gdb.ask(f"m{FLASH_BASE:x},8") == b"0050002045000008"
    assert gdb.ask(f"M{RAM_BASE:x},4:deadbeef") == b"OK"
    assert target.ram[:4] == bytes.fromhex("deadbeef")
    payload = bytes([0x23, 0x24, 0x7D, 0x2A, 0x00, 0xFF])
    assert gdb.ask(f"X{RAM_BASE + 8:x},{len(payload):x}:".encode() + escape_binary(payload)) == b"OK"
    assert target.ram[8:14] == payload
    assert gdb.ask(f"X{RAM_BASE:x},0:") == b"OK"
    # Unreadable memory reads as zeros (OpenOCD's default, for GDB's stack traces)...
    assert gdb.ask("m40000000,4") == b"00000000"
    # ... and writes to it fail.
    assert gdb.ask("M40000000,4:00000000") == b"E0E"
    assert gdb.ask(f"m{RAM_BASE:x},0") == b""
    # A read larger than the packet is answered with what fits.
    assert len(gdb.ask(f"m{RAM_BASE:x},4000")) == 0x4000


def test_qcrc_matches_gdb_crc(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    blob = (Path(__file__).parents[2] / "contrib/firmware/blinky-f103.bin").read_bytes()
    target.flash[:len(blob)] = blob
    # the value OpenOCD 0.12 answered for the same 64 bytes
    assert gdb.ask(f"qCRC:{FLASH_BASE:x},40") == b"C8571034f"


def test_breakpoints_and_watchpoints(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("Z1,80000b4,2") == b"OK"
    assert gdb.ask("Z0,80000c0,2") == b"OK"
    assert target.breakpoints == {0x080000B4: (2, True), 0x080000C0: (2, False)}
    assert gdb.ask("z0,80000c0,2") == b"OK"
    assert gdb.ask("Z2,20000000,4") == b"OK"
    assert target.watchpoints == {0x20000000: (4, "w")}
    assert gdb.ask("Z3,20000000,8") == b""  # not supported: empty reply
    assert gdb.ask("z2,20000000,4") == b"OK"
    for i in range(5):
        gdb.ask(f"Z1,{0x08000100 + 2 * i:x},2")
    assert gdb.ask("Z1,8000200,2") == b"E0E"  # out of comparators
    session.run_command("gdb_breakpoint_override soft")
    target.breakpoints.clear()
    assert gdb.ask("Z1,80000b4,2") == b"OK"
    assert target.breakpoints[0x080000B4] == (2, False)


def test_continue_stops_at_breakpoint(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("Z1,80000b4,2") == b"OK"
    # The server answers the continue only when the poller sees the core halted.
    assert gdb.ask("vCont;c", timeout=5) == b"T05"
    assert target.regs[15] == 0x080000B4
    assert target.events[-3:] == ["gdb-start", "halted", "gdb-end"]
    assert gdb.ask("c", timeout=5) == b"T05"  # the legacy packet too


def test_watchpoint_stop_reply_names_the_address(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("Z2,20000010,4") == b"OK"
    assert gdb.ask("vCont;c", timeout=5) == b"T05watch:20000010;"


def test_step(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    pc = target.regs[15]
    assert gdb.ask("vCont;s:1;c") == b"T05"
    assert target.regs[15] == pc + 2
    assert gdb.ask("s") == b"T05"
    assert target.regs[15] == pc + 4


def test_ctrl_c_interrupts_a_running_target(served) -> None:
    target, session, host = served
    target.run_polls = 10**9  # runs until halted
    gdb = connect(host)
    gdb.handshake()
    gdb.send("vCont;c")
    time.sleep(0.2)
    assert target.state() == "running"
    gdb.sock.sendall(b"\x03")
    assert gdb.read_packet() == b"T02"
    assert target.state() == "halted"


def test_halt_from_another_console_answers_the_continue(served) -> None:
    target, session, host = served
    target.run_polls = 10**9
    gdb = connect(host)
    gdb.handshake()
    gdb.send("vCont;c")
    time.sleep(0.1)
    tcl = socket.create_connection(("127.0.0.1", host.port_of("tcl")), timeout=5)
    tcl.sendall(b"halt\x1a")
    assert tcl.recv(100) == b"\x1a"
    assert gdb.read_packet() == b"T02"
    # log output while the target ran reached GDB as O packets
    assert any(b"halted due to debug-request" in o for o in gdb.output)


def test_monitor_commands(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask(b"qRcmd," + b"reg pc".hex().encode()) == b"pc (/32): 0x08000044\n".hex().encode()
    assert gdb.ask(b"qRcmd," + b"reset halt".hex().encode()) == b"OK"
    assert gdb.output[-2:] == [
        b"[stm32f1x.cpu] halted due to debug-request, current mode: Thread \n",
        b"xPSR: 0x01000000 pc: 0x08000044 msp: 0x20005000\n"]
    gdb.output.clear()
    assert gdb.ask(b"qRcmd," + b"nosuch".hex().encode()) == b"E01"
    assert gdb.output == [b'invalid command name "nosuch"\n']
    assert gdb.ask("qRcmd,") == b"OK"
    assert gdb.ask(b"qRcmd," + b"gdb_sync".hex().encode()) == b"OK"
    pc = target.regs[15]
    assert gdb.ask("vCont;s") == b"T02"  # gdb_sync: the step only refreshes GDB
    assert target.regs[15] == pc


def test_vflash_load(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    image = bytes(range(256)) * 6  # 1536 bytes: two pages
    assert gdb.ask(f"vFlashErase:{FLASH_BASE:08x},00000800") == b"OK"
    for off in range(0, len(image), 512):
        chunk = image[off:off + 512]
        assert gdb.ask(f"vFlashWrite:{FLASH_BASE + off:x}:".encode() + escape_binary(chunk)) == b"OK"
    assert gdb.ask("vFlashDone") == b"OK"
    assert bytes(target.flash[:len(image)]) == image
    assert target.flash_ops == [("erase", FLASH_BASE, 0x800), ("write", FLASH_BASE, len(image))]
    assert [e for e in target.events if e.startswith("gdb-flash")] == [
        "gdb-flash-erase-start", "gdb-flash-erase-end", "gdb-flash-write-start", "gdb-flash-write-end"]
    # Writing without erasing fails in the flash layer: GDB gets EIO.
    assert gdb.ask(f"vFlashWrite:{FLASH_BASE:x}:abcd") == b"OK"
    assert gdb.ask("vFlashDone") == b"E05"
    # Outside every bank: E.memtype, as OpenOCD answers.
    assert gdb.ask("vFlashWrite:20000000:abcd") == b"OK"
    assert gdb.ask("vFlashDone") == b"E.memtype"
    # Unaligned erase fails.
    assert gdb.ask(f"vFlashErase:{FLASH_BASE + 2:08x},00000400") == b"E05"


def test_gdb_flash_program_disable_and_memory_map_disable() -> None:
    target = FakeTarget()
    session = FakeSession(target)
    session.server_settings.gdb_flash_program = False
    session.server_settings.gdb_memory_map = False
    with running_host(session) as host:
        gdb = connect(host)
        supported = gdb.handshake()
        assert b"qXfer:memory-map:read-" in supported
        assert gdb.ask(f"vFlashErase:{FLASH_BASE:08x},00000400") == b""
        assert gdb.ask("qXfer:memory-map:read::0,100") == b""


def test_detach_resumes_and_fires_events(served) -> None:
    target, session, host = served
    target.run_polls = 10**9
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("D") == b"OK"
    gdb.close()
    deadline = time.monotonic() + 5
    while "gdb-detach" not in target.events and time.monotonic() < deadline:
        time.sleep(0.02)
    assert target.state() == "running"
    assert target.events[-2:] == ["gdb-end", "gdb-detach"]


def test_abrupt_disconnect_mid_continue_then_reconnect(served) -> None:
    target, session, host = served
    target.run_polls = 10**9
    gdb = connect(host)
    gdb.handshake()
    gdb.send("vCont;c")
    time.sleep(0.1)
    gdb.sock.close()  # GDB killed while the target runs
    deadline = time.monotonic() + 5
    while "gdb-detach" not in target.events and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "gdb-detach" in target.events
    assert target.state() == "running"  # left as it was
    gdb2 = connect(host)  # the port accepts the next GDB
    gdb2.handshake()
    assert gdb2.ask("?") == b"S02"


def test_second_gdb_is_rejected_while_one_is_connected(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    other = socket.create_connection(("127.0.0.1", host.port_of("gdb")), timeout=5)
    assert other.recv(10) == b""  # closed at once: one GDB per target
    assert gdb.ask("qC") == b"QC0"


def test_kill_and_restart_in_extended_mode(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("!") == b"OK"
    gdb.send("k")  # extended mode: no reply, the process counts as gone
    assert gdb.ask("?") == b"W00"
    assert gdb.ask("vRun;") == b"S00"  # GDB's `run`: ocd_gdb_restart, i.e. reset halt
    assert gdb.ask("?") == b"S02"
    target.breakpoints[0x08000100] = (2, True)
    gdb.send("R00")
    assert gdb.ask("qC") == b"QC0"
    assert target.breakpoints == {}


def test_kill_in_remote_mode_closes(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("k") == b"OK"
    with pytest.raises((ConnectionError, TimeoutError)):
        gdb.read_packet(timeout=2)


def test_acks_checksums_and_garbage(served) -> None:
    target, session, host = served
    gdb = connect(host)
    assert gdb.sock.recv(1) == b"+"
    gdb.sock.sendall(b"+$qC#00")  # wrong checksum: the server asks again
    assert gdb.sock.recv(1) == b"-"
    gdb.sock.sendall(b"garbage\x00\xff" * 100)  # ignored outside packets
    assert gdb.ask("qC") == b"QC0"
    gdb.sock.sendall(b"-")  # NAK of the last reply: it is sent again
    assert gdb.read_packet() == b"QC0"


def test_over_long_packet_drops_only_that_client(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    gdb.sock.sendall(b"$" + b"a" * 100000)
    with pytest.raises((ConnectionError, TimeoutError, OSError)):
        for _ in range(3):
            gdb.ask("qC", timeout=2)
    tcl = socket.create_connection(("127.0.0.1", host.port_of("tcl")), timeout=5)
    tcl.sendall(b"echo {still here}; set x 1\x1a")
    assert tcl.recv(100) == b"1\x1a"


def test_malformed_packets_drop_that_client(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    assert gdb.ask("Z9,0,0") == b""  # an unknown breakpoint type: not supported
    gdb.send("mzz,4")  # not an address
    with pytest.raises((ConnectionError, TimeoutError, OSError)):
        gdb.read_packet(timeout=2)
    gdb2 = connect(host)
    gdb2.handshake()
    assert gdb2.ask("qC") == b"QC0"


def test_refused_when_flash_cannot_be_probed() -> None:
    target = FakeTarget()
    target.flash_probe_error = "Cannot identify target as a STM32 family."
    with running_host(FakeSession(target)) as host:
        sock = socket.create_connection(("127.0.0.1", host.port_of("gdb")), timeout=5)
        data = b""
        while True:
            chunk = sock.recv(100)
            if not chunk:
                break
            data += chunk
        assert data == b"+"  # acked, then closed: OpenOCD's "Connect failed"


def test_a_long_monitor_command_sends_keep_alive_output(served) -> None:
    target, session, host = served
    gdb = connect(host)
    gdb.handshake()
    start = time.monotonic()
    assert gdb.ask(b"qRcmd," + b"test_slow 2.5".hex().encode(), timeout=10) == b"OK"
    assert time.monotonic() - start >= 2.5
    # empty O packets about every second kept GDB waiting, as OpenOCD sends them
    assert gdb.output.count(b"") >= 2

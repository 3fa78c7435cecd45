"""The ST-LINK server protocol, spoken by hand over a socket."""

from __future__ import annotations

import socket
import struct

import pytest

from ocdpy.sim.stlink import SimStlink
from ocdpy.sim.tcp_server import StlinkServer

from .fake_target import SRAM, FakeTarget

OK, OPEN_ERR, BAD_PARAMETER, NOT_AVAILABLE = 1, 0x1003, 0x1002, 0x1053


class Client:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)

    def ask(self, request: bytes, reply: int) -> bytes:
        self.sock.sendall(request)
        buf = b""
        while len(buf) < reply:
            chunk = self.sock.recv(reply - len(buf))
            assert chunk, "server closed the connection"
            buf += chunk
        return buf

    def info(self, index: int = 0) -> tuple[int, int, str, int, int, int]:
        r = self.ask(bytes([2, index, 0, 0]) + struct.pack("<I", 41), 45)
        status, dev_id = struct.unpack_from("<II", r)
        serial = r[8:40].rstrip(b"\0").decode()
        vid, pid, used = struct.unpack_from("<HHB", r, 40)
        return status, dev_id, serial, vid, pid, used

    def open(self, dev_id: int, mode: int = 0) -> tuple[int, int]:
        return struct.unpack("<II", self.ask(bytes([3, mode, 0, 0]) + struct.pack("<I", dev_id), 8))

    def usb(self, connect_id: int, block: bytes, direction: int, size: int, data: bytes = b"") -> bytes:
        req = bytes([5, 0, 0, 0]) + struct.pack("<I", connect_id) + block.ljust(16, b"\0")
        req += bytes([direction, 0, 0, 0]) + struct.pack("<I", size) + data
        return self.ask(req, 4 + (size if direction != 0 else 0))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def server():
    target = FakeTarget()
    probe = SimStlink(target, "stlink-v2", deterministic=True)
    with StlinkServer([probe], port=0) as srv:
        yield srv


def test_listens_on_loopback_only(server: StlinkServer) -> None:
    assert server._server is not None
    assert server._server.server_address[0] == "127.0.0.1"


def test_openocd_handshake_and_usb_relay(server: StlinkServer) -> None:
    c = Client(server.port)
    assert struct.unpack("<4I", c.ask(bytes([6, 1, 0, 0]), 16)) == (3, 2, 1, 1)
    assert struct.unpack("<I", c.ask(bytes([0, 0]), 4))[0] == OK
    assert struct.unpack("<I", c.ask(bytes([1]), 4))[0] == 1
    status, dev_id, serial, vid, pid, used = c.info()
    # the server reports the fixed-up hex serial even for the raw-byte V2 serial
    assert (status, serial, vid, pid, used) == (OK, "55FF6E064965535156522187", 0x0483, 0x3748, 0)
    status, connect_id = c.open(dev_id)
    assert status == OK and connect_id
    r = c.usb(connect_id, bytes([0xF1]), 1, 6)
    assert r == struct.pack("<I", OK) + bytes([0x29, 0x47, 0x83, 0x04, 0x48, 0x37])
    c.usb(connect_id, bytes([0xF3, 0x07]), 1, 0)
    assert c.usb(connect_id, bytes([0xF2, 0x30, 0xA3]), 1, 2)[4:] == b"\x80\x00"
    payload = bytes(range(64))
    wr = bytes([0xF2, 0x08]) + struct.pack("<IHB", SRAM, 64, 0)
    assert c.usb(connect_id, wr, 0, 64, payload) == struct.pack("<I", OK)
    rd = bytes([0xF2, 0x07]) + struct.pack("<IHB", SRAM, 64, 0)
    assert c.usb(connect_id, rd, 1, 64)[4:] == payload
    assert struct.unpack("<I", c.ask(bytes([4, 0, 0, 0]) + struct.pack("<I", connect_id), 4))[0] == OK
    c.close()


def test_second_client_finds_the_device_used(server: StlinkServer) -> None:
    a, b = Client(server.port), Client(server.port)
    dev_id = a.info()[1]
    assert a.open(dev_id)[0] == OK
    assert b.info()[5] == 1  # used: OpenOCD prints "the selected device is already used"
    assert b.open(dev_id)[0] == OPEN_ERR
    a.close()  # disconnecting releases the device
    for _ in range(100):
        if b.info()[5] == 0:
            break
        import time

        time.sleep(0.01)
    status, connect_id = b.open(dev_id)
    assert status == OK
    assert b.usb(connect_id, bytes([0xF5]), 1, 2)[:4] == struct.pack("<I", OK)
    b.close()


def test_shared_open(server: StlinkServer) -> None:
    a, b = Client(server.port), Client(server.port)
    dev_id = a.info()[1]
    assert a.open(dev_id, mode=1)[0] == OK
    assert b.info()[5] == 0
    assert b.open(dev_id, mode=1)[0] == OK
    assert b.open(dev_id, mode=0)[0] == OPEN_ERR  # exclusive while someone shares it
    a.close()
    b.close()


def test_clients_one_after_another(server: StlinkServer) -> None:
    for _ in range(3):
        c = Client(server.port)
        dev_id = c.info()[1]
        status, connect_id = c.open(dev_id)
        assert status == OK
        assert c.usb(connect_id, bytes([0xF1]), 1, 6)[4:6] == bytes([0x29, 0x47])
        # as OpenOCD does: close the device, then the socket (a bare disconnect also
        # releases it, but only once the server thread has seen the EOF)
        assert struct.unpack("<I", c.ask(bytes([4, 0, 0, 0]) + struct.pack("<I", connect_id), 4))[0] == OK
        c.close()


def test_bad_requests(server: StlinkServer) -> None:
    c = Client(server.port)
    assert struct.unpack("<I", c.ask(bytes([0x42]), 4))[0] == NOT_AVAILABLE
    assert c.usb(77, bytes([0xF1]), 1, 6)[:4] == struct.pack("<I", BAD_PARAMETER)
    assert c.info(5)[0] == BAD_PARAMETER
    c.close()


def test_unplugged_probe_disappears(server: StlinkServer) -> None:
    c = Client(server.port)
    dev_id = c.info()[1]
    _, connect_id = c.open(dev_id)
    server.devices[0].probe.unplug()
    assert c.usb(connect_id, bytes([0xF1]), 1, 6)[:4] == struct.pack("<I", OPEN_ERR)
    assert struct.unpack("<I", c.ask(bytes([1]), 4))[0] == 0
    c.close()


def test_port_in_use_raises(server: StlinkServer) -> None:
    other = StlinkServer([SimStlink(FakeTarget())], port=server.port)
    with pytest.raises(OSError):
        other.start()


def test_failed_transfer_leaves_the_probe_between_commands() -> None:
    """A transfer that fails mid-command (here the data phase of a memory write) is
    answered 0x1001 and the next command starts clean: its block is not taken as the
    failed write's data, and no stale reply is handed to it."""
    from ocdpy.sim.stlink.faults import ProbeFaults

    target = FakeTarget()
    # transfers: version out/in (1, 2), DFU exit (3), SWD enter out/in (4, 5),
    # write block (6), write data (7: fails)
    probe = SimStlink(target, "stlink-v2", deterministic=True, faults=ProbeFaults(usb_error_after=7))
    with StlinkServer([probe], port=0) as srv:
        c = Client(srv.port)
        _, connect_id = c.open(c.info()[1])
        c.usb(connect_id, bytes([0xF1]), 1, 6)
        c.usb(connect_id, bytes([0xF3, 0x07]), 1, 0)
        c.usb(connect_id, bytes([0xF2, 0x30, 0xA3]), 1, 2)
        wr = bytes([0xF2, 0x08]) + struct.pack("<IHB", SRAM, 8, 0)
        assert c.usb(connect_id, wr, 0, 8, bytes(range(8)))[:4] == struct.pack("<I", 0x1001)
        rd = bytes([0xF2, 0x07]) + struct.pack("<IHB", SRAM, 8, 0)
        assert c.usb(connect_id, rd, 1, 8) == struct.pack("<I", OK) + bytes(8)
        assert c.usb(connect_id, wr, 0, 8, bytes(range(8))) == struct.pack("<I", OK)
        assert c.usb(connect_id, rd, 1, 8) == struct.pack("<I", OK) + bytes(range(8))
        c.close()

"""The generic service: ports, bind address, many clients, misbehaving clients,
shutdown, and the one lock every hardware access holds."""

from __future__ import annotations

import os
import random
import socket
import threading
import time

import pytest

from ocdpy import log
from ocdpy.server.host import ServerHost

from .fakes import FakeSession, FakeTarget, running_host
from .sockio import read_until


class LogCapture:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, level: int, line: str) -> None:
        with self._lock:
            self.lines.append(line)

    def __enter__(self) -> LogCapture:
        log.add_listener(self)
        return self

    def __exit__(self, *exc) -> None:
        log.remove_listener(self)


def console(host: ServerHost) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", host.port_of("telnet")), timeout=10)
    read_until(sock, b"\r> ")
    return sock


def test_port_zero_logs_the_chosen_port_as_openocd_words_it() -> None:
    with LogCapture() as logged, running_host(FakeSession(FakeTarget())) as host:
        ports = {name: host.port_of(name) for name in ("tcl", "telnet", "gdb")}
    assert all(ports.values())
    assert f"Info : Listening on port {ports['tcl']} for tcl connections" in logged.lines
    assert f"Info : Listening on port {ports['telnet']} for telnet connections" in logged.lines
    assert f"Info : Listening on port {ports['gdb']} for gdb connections" in logged.lines
    assert "Info : starting gdb server for stm32f1x.cpu on 0" in logged.lines


def test_servers_listen_on_loopback_only_by_default() -> None:
    with running_host(FakeSession(FakeTarget())) as host:
        addresses = {svc.name: svc._server.sockets[0].getsockname()[0] for svc in host.services}
    assert addresses == {"tcl": "127.0.0.1", "telnet": "127.0.0.1", "gdb": "127.0.0.1"}


def test_disabled_ports() -> None:
    with LogCapture() as logged, running_host(FakeSession(FakeTarget()), telnet="disabled",
                                              tcl="disabled", gdb="disabled") as host:
        assert host.services == []
    assert "Info : telnet server disabled" in logged.lines
    assert "Info : tcl server disabled" in logged.lines
    assert "Info : gdb port disabled" in logged.lines


def test_port_in_use_is_an_error_that_says_what_to_do() -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    session = FakeSession(FakeTarget())
    session.server_settings.telnet_port = str(port)
    host = ServerHost(session)
    with LogCapture() as logged:
        host.run()  # returns: the servers cannot start
    blocker.close()
    assert host.start_error is not None
    assert any(line.startswith(f"Error: couldn't bind telnet to socket on port {port}: ")
               and "telnet_port" in line for line in logged.lines), logged.lines


def test_bindto() -> None:
    session = FakeSession(FakeTarget())
    session.server_settings.bindto = "localhost"
    with running_host(session) as host:
        assert host.services[0]._server.sockets[0].getsockname()[0] == "127.0.0.1"
    session.server_settings.bindto = "no-such-host.invalid"
    host = ServerHost(session)
    with LogCapture() as logged:
        host.run()
    assert "Error: couldn't resolve bindto address: no-such-host.invalid" in logged.lines


def test_fifty_consoles_at_once() -> None:
    """50 consoles x 20 commands; every reply is the right one (the full 50 x 100 load
    with latency figures is benchmarks/server_bench.py)."""
    target = FakeTarget()
    with running_host(FakeSession(target)) as host:
        errors: list[str] = []

        def client(n: int) -> None:
            try:
                sock = console(host)
                for i in range(20):
                    sock.sendall(f"expr {{{n} * 1000 + {i}}}\r\n".encode())
                    # The result line follows the echoed command; log lines of other
                    # consoles coming and going may be interleaved with it.
                    value = f"{n * 1000 + i}\r\n".encode()
                    reply = b""
                    while b"\x00" + value not in reply and b"\n" + value not in reply:
                        reply += read_until(sock, b"\r\n")
                    if f"expr {{{n} * 1000 + {i}}}".encode() not in reply:
                        errors.append(f"client {n} command {i}: {reply!r}")
                        return
                sock.close()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(f"client {n}: {type(e).__name__}: {e}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert not any(t.is_alive() for t in threads)


def test_a_client_that_does_not_read_is_dropped_others_are_served() -> None:
    with LogCapture() as logged, running_host(FakeSession(FakeTarget())) as host:
        greedy = console(host)
        greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for _ in range(12):  # 12 MB of output it never reads
            greedy.sendall(b"string repeat x 1000000\r\n")
        other = console(host)
        deadline = time.monotonic() + 20
        while not any("does not read its output" in line for line in logged.lines):
            assert time.monotonic() < deadline, "the greedy client was not dropped"
            other.sendall(b"set a 1\r\n")
            read_until(other, b"\r> ")
        other.sendall(b"set b 2\r\n")
        assert read_until(other, b"\r> ").endswith(b"2\r\n\r> ")


def test_garbage_and_abrupt_disconnects_leave_the_servers_serving() -> None:
    target = FakeTarget()
    rng = random.Random(7)
    with running_host(FakeSession(target)) as host:
        for name in ("telnet", "tcl", "gdb"):
            for _ in range(3):
                sock = socket.create_connection(("127.0.0.1", host.port_of(name)), timeout=5)
                sock.sendall(bytes(rng.getrandbits(8) for _ in range(5000)))
                sock.close()
        # a client that disconnects while its command holds the hardware
        sock = console(host)
        sock.sendall(b"test_slow 0.3\r\n")
        time.sleep(0.05)
        sock.close()
        tcl = socket.create_connection(("127.0.0.1", host.port_of("tcl")), timeout=10)
        tcl.sendall(b"mdw 0x08000000\x1a")
        assert read_until(tcl, b"\x1a") == b"0x08000000: ffffffff \x1a"
        assert target.state() == "halted"


def test_shutdown_from_a_console_stops_everything() -> None:
    session = FakeSession(FakeTarget())
    with running_host(session) as host:
        sock = console(host)
        sock.sendall(b"shutdown\r\n")
        data = b""
        sock.settimeout(5)
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        assert b"shutdown command invoked" in data
        port = host.port_of("telnet")
        deadline = time.monotonic() + 5
        while not host.stopping and time.monotonic() < deadline:
            time.sleep(0.01)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_every_hardware_access_holds_the_lock() -> None:
    # FakeTarget asserts the lock is held on every access (lock_checker); this drives
    # all three servers at once and checks nothing tripped it.
    target = FakeTarget()
    target.run_polls = 3
    with LogCapture() as logged, running_host(FakeSession(target)) as host:
        from .rsp import RspClient

        gdb = RspClient(host.port_of("gdb"))
        gdb.handshake()
        gdb.ask("Z1,8000100,2")
        tcl = socket.create_connection(("127.0.0.1", host.port_of("tcl")), timeout=10)
        cons = console(host)
        for _ in range(5):
            assert gdb.ask("vCont;c", timeout=5) == b"T05"
            tcl.sendall(b"mdw 0x20000000 4\x1a")
            read_until(tcl, b"\x1a")
            cons.sendall(b"reg pc\r\n")
            read_until(cons, b"\r> ")
    assert not any("hardware touched without the lock" in line for line in logged.lines)
    assert not any("internal error" in line for line in logged.lines), logged.lines


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc to count open files")
def test_memory_stays_bounded_under_many_connections() -> None:
    """Open and close 300 connections; the server's thread count and open files do not grow."""
    with running_host(FakeSession(FakeTarget())) as host:
        fds_before = len(os.listdir("/proc/self/fd"))
        for _ in range(100):
            for name in ("telnet", "tcl"):
                s = socket.create_connection(("127.0.0.1", host.port_of(name)), timeout=5)
                s.sendall(b"set x 1\r\n\x1a")
                s.close()
        time.sleep(0.5)
        fds_after = len(os.listdir("/proc/self/fd"))
        assert fds_after <= fds_before + 5
        assert len(host.connections) <= 1


def test_replies_go_out_at_once() -> None:
    """Nagle's algorithm is off on every connection (as asyncio does for TCP sockets):
    with it on, each console reply would wait out the client's delayed ACK."""
    import socket as s

    with running_host(FakeSession(FakeTarget())) as host:
        sock = console(host)
        conns = [c for c in host.connections if c.kind == "telnet"]
        assert len(conns) == 1
        server_side = conns[0].writer.get_extra_info("socket")
        assert server_side.getsockopt(s.IPPROTO_TCP, s.TCP_NODELAY) != 0
        sock.close()

"""The Tcl RPC server: 0x1a-terminated commands and replies, notifications, bounds."""

from __future__ import annotations

import socket
import time

import pytest

from .fakes import FakeSession, FakeTarget, running_host


class TclClient:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def read_message(self) -> bytes:
        while b"\x1a" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("closed")
            self.buf += data
        msg, _, self.buf = self.buf.partition(b"\x1a")
        return msg

    def call(self, command: str) -> bytes:
        self.sock.sendall(command.encode() + b"\x1a")
        return self.read_message()


@pytest.fixture
def served():
    target = FakeTarget()
    session = FakeSession(target)
    with running_host(session) as host:
        yield target, session, host


def test_results_and_errors_as_openocd_returns_them(served) -> None:
    target, session, host = served
    tcl = TclClient(host.port_of("tcl"))
    # The same replies OpenOCD 0.12 gave for these commands on the same chip.
    assert tcl.call("set x 5") == b"5"
    assert tcl.call("foo") == b'invalid command name "foo"'
    assert tcl.call("error boom") == b"boom"
    assert tcl.call("expr 1+") == b'syntax error in expression "1+": premature end of expression'
    assert tcl.call("catch {foo} m; set m") == b'invalid command name "foo"'
    assert tcl.call("return -code error xx") == b"xx"
    assert tcl.call("mdw 0x08000000 2") == b"0x08000000: ffffffff ffffffff "
    assert tcl.call("capture {echo hi}") == b"hi\n"
    assert tcl.call("proc f {} {error boom}; f") == b"boom\nin procedure 'f'"
    # several commands in one message, and results spanning lines
    assert tcl.call("set a 1; set b [list a b]\nset c {x\ny}") == b"x\ny"


def test_message_split_across_writes_and_several_per_write(served) -> None:
    target, session, host = served
    tcl = TclClient(host.port_of("tcl"))
    tcl.sock.sendall(b"set x ")
    time.sleep(0.05)
    tcl.sock.sendall(b"41\x1aincr x\x1aset x\x1a")
    assert [tcl.read_message() for _ in range(3)] == [b"41", b"42", b"42"]


def test_notifications(served) -> None:
    target, session, host = served
    tcl = TclClient(host.port_of("tcl"))
    assert tcl.call("tcl_notifications on") == b""
    assert tcl.call("resume") == b"type target_event event resumed\r\n"
    assert tcl.read_message() == b"type target_state state running\r\n"
    assert tcl.read_message() == b""  # the reply of resume
    assert tcl.call("halt") == b"type target_event event halted\r\n"
    assert tcl.read_message() == b"type target_state state halted\r\n"
    assert tcl.read_message() == b""
    assert tcl.call("tcl_notifications off") == b""
    assert tcl.call("resume") == b""
    # only the Tcl server has notifications
    assert session.run_command("catch {tcl_notifications on} m") == "1"


def test_trace_switch(served) -> None:
    target, session, host = served
    tcl = TclClient(host.port_of("tcl"))
    assert tcl.call("tcl_trace on") == b""
    conn = next(c for c in host.connections if c.kind == "tcl")
    assert conn.trace
    conn.on_target_trace(target, b"\x01\xab")
    assert tcl.read_message() == b"type target_trace data 01ab\r\n"


def test_line_too_long_is_refused_and_the_connection_goes_on(served) -> None:
    target, session, host = served
    tcl = TclClient(host.port_of("tcl"))
    chunk = b"x" * 65536
    for _ in range(70):  # 4.4 MiB, past OpenOCD's 4 MiB line limit
        tcl.sock.sendall(chunk)
    tcl.sock.sendall(b"\x1a")
    deadline = time.monotonic() + 10
    while b"line too long\n\x00" not in tcl.buf and time.monotonic() < deadline:
        tcl.buf += tcl.sock.recv(1024)
    assert tcl.buf == b"line too long\n\x00"
    tcl.buf = b""
    assert tcl.call("set y ok") == b"ok"


def test_exit_closes_only_this_connection(served) -> None:
    target, session, host = served
    one, two = TclClient(host.port_of("tcl")), TclClient(host.port_of("tcl"))
    assert one.call("exit") == b""
    assert one.sock.recv(10) == b""
    assert two.call("set z 3") == b"3"


def test_shutdown_from_a_tcl_client_stops_every_server() -> None:
    target = FakeTarget()
    session = FakeSession(target)
    with running_host(session) as host:
        tcl = TclClient(host.port_of("tcl"))
        telnet = socket.create_connection(("127.0.0.1", host.port_of("telnet")), timeout=5)
        ports = [host.port_of(n) for n in ("tcl", "telnet", "gdb")]
        assert tcl.call("shutdown") == b""
        deadline = time.monotonic() + 5
        while not host.stopping and time.monotonic() < deadline:
            time.sleep(0.01)
        telnet.settimeout(5)
        while telnet.recv(4096):
            pass  # the console is closed by the shutdown
    for port in ports:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1)
    assert session.shutdown_requested


def test_events_the_session_announces_reach_notifications() -> None:
    target = FakeTarget()
    session = FakeSession(target)
    session.target_event_listeners = []  # the command layer calls these for every event
    with running_host(session) as host:
        tcl = TclClient(host.port_of("tcl"))
        assert tcl.call("tcl_notifications on") == b""
        for fn in list(session.target_event_listeners):
            fn("stm32f1x.cpu", "reset-start")
        assert tcl.read_message() == b"type target_event event reset-start\r\n"
    assert session.target_event_listeners == []  # removed when the servers stop

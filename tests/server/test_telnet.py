"""The telnet console: OpenOCD's byte stream for plain clients, and prompt_toolkit's
line editor for a terminal, driven through tmux as a person types."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from .fakes import FakeSession, FakeTarget, running_host
from .sockio import read_until

ROOT = Path(__file__).resolve().parents[2]
NEGOTIATION = (b"\xff\xfb\x03\xff\xfb\x01\xff\xfd\x03\xff\xfe\x01\xff\xfd\x22\xff\xfa\x22\x01\x00"
               b"\xff\xf0\xff\xfd\x1f\xff\xfd\x18\xff\xfa\x18\x01\xff\xf0")


@pytest.fixture
def served():
    target = FakeTarget()
    session = FakeSession(target)
    with running_host(session) as host:
        yield target, session, host


def test_plain_client_gets_openocds_bytes(served) -> None:
    target, session, host = served
    sock = socket.create_connection(("127.0.0.1", host.port_of("telnet")), timeout=5)
    banner = read_until(sock, b"\r> ")
    assert banner == NEGOTIATION + b"Open On-Chip Debugger\r\n\r> "
    # Each exchange below is what OpenOCD 0.12 sent for the same input.
    sock.sendall(b"mdw 0x08000000 4\r\n")
    assert read_until(sock, b"\r> ") == (
        b"mdw 0x08000000 4\r\n\x000x08000000: ffffffff ffffffff ffffffff ffffffff \r\n\r> ")
    sock.sendall(b"foo\r\n")
    assert read_until(sock, b"\r> ") == b'foo\r\n\x00invalid command name "foo"\r\n\r> '
    sock.sendall(b"proc f {} {error boom}; f\r\n")
    assert read_until(sock, b"\r> ").endswith(b"\x00boom\r\nin procedure 'f'\r\n\r> ")
    sock.sendall(b"set x 5\r\n")
    assert read_until(sock, b"\r> ") == b"set x 5\r\n\x005\r\n\r> "
    sock.sendall(b"flash \t")
    assert read_until(sock, b"> flash ") == (
        b"flash \n\rflash banks\n\rflash erase_address\n\rflash write_image\n\r> flash ")
    sock.sendall(b"\x15")  # Ctrl-U clears the line
    assert read_until(sock, b"\x08 \x08" * 6) == b"\x08 \x08" * 6
    sock.sendall(b"fla\t")
    assert read_until(sock, b"flash ") == b"flash "
    sock.sendall(b"\x03")
    assert read_until(sock, b"^C\n\r> ") == b"^C\n\r> "
    sock.sendall(b"\x1b[A")  # history: the previous line comes back
    assert read_until(sock, b"set x 5") .endswith(b"set x 5")
    sock.sendall(b"\r\n")
    assert read_until(sock, b"\r> ").endswith(b"5\r\n\r> ")
    sock.sendall(b"exit\r\n")
    assert read_until(sock, b"exit\r\n\x00") == b"exit\r\n\x00"
    assert sock.recv(10) == b""


def test_errors_and_log_lines_reach_every_console(served) -> None:
    target, session, host = served
    one = socket.create_connection(("127.0.0.1", host.port_of("telnet")), timeout=5)
    two = socket.create_connection(("127.0.0.1", host.port_of("telnet")), timeout=5)
    read_until(one, b"\r> ")
    read_until(two, b"\r> ")
    two.sendall(b"ab")  # a half-typed line on the other console
    read_until(two, b"ab")
    one.sendall(b"reset halt\r\n")
    out = read_until(one, b"\r> ")
    assert b"[stm32f1x.cpu] halted due to debug-request, current mode: Thread \r\n" in out
    # the other console gets the log lines above its prompt, and its line back
    seen = read_until(two, b"xPSR: 0x01000000 pc: 0x08000044 msp: 0x20005000\r\n> ab")
    assert b"halted due to debug-request" in seen
    one.sendall(b"nosuch\r\n")
    read_until(one, b"\r> ")
    assert read_until(two, b"> ab").endswith(b'invalid command name "nosuch"\r\n> ab')


def test_over_long_line_is_cut_and_the_console_goes_on(served) -> None:
    target, session, host = served
    sock = socket.create_connection(("127.0.0.1", host.port_of("telnet")), timeout=5)
    read_until(sock, b"\r> ")
    sock.sendall(b"set y " + b"z" * 100000 + b"\r\n")
    out = read_until(sock, b"\r> ", timeout=20)
    assert out.count(b"\x07") > 0  # the bell for every character past the limit
    sock.sendall(b"set q 1\r\n")
    assert read_until(sock, b"\r> ").endswith(b"1\r\n\r> ")


def _tmux() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.skip("tmux not installed (apt-get install tmux)")
    return tmux


class Tmux:
    def __init__(self, port: int) -> None:
        self.tmux = _tmux()
        self.name = f"ocdpy-{uuid.uuid4().hex[:8]}"
        client = f"{sys.executable} -m tests.server.telnet_client {port} xterm"
        subprocess.run([self.tmux, "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30",
                        "-c", str(ROOT), client], check=True, timeout=10)

    def keys(self, *keys: str) -> None:
        subprocess.run([self.tmux, "send-keys", "-t", self.name, *keys], check=True, timeout=10)

    def screen(self) -> str:
        r = subprocess.run([self.tmux, "capture-pane", "-t", self.name, "-p"], capture_output=True,
                           text=True, timeout=10)
        return r.stdout

    def wait_for(self, text: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on screen:\n{screen}")
            time.sleep(0.05)

    def wait_until(self, check, what: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}; screen:\n{screen}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return subprocess.run([self.tmux, "has-session", "-t", self.name],
                              capture_output=True, timeout=10).returncode == 0

    def close(self) -> None:
        subprocess.run([self.tmux, "kill-session", "-t", self.name], capture_output=True, timeout=10)


def test_console_in_a_terminal_as_a_person_types(served) -> None:
    target, session, host = served
    term = Tmux(host.port_of("telnet"))
    try:
        # (tmux drops trailing blanks: the prompt "> " shows as ">")
        term.wait_for("Open On-Chip Debugger\n>")
        # completion: a unique prefix completes, the common prefix of several too,
        # and a second Tab lists them
        term.keys("fla", "Tab")
        term.wait_for("> flash")
        term.keys("Tab", "Tab")
        screen = term.wait_for("flash write_image")
        assert "flash banks" in screen and "flash erase_address" in screen
        term.keys("C-u")
        term.keys("mdw 0x08000000 2", "Enter")
        term.wait_for("0x08000000: ffffffff ffffffff")
        term.keys("nosuch", "Enter")
        term.wait_for('invalid command name "nosuch"')
        # history: up twice brings back the mdw line
        term.keys("Up", "Up", "Enter")
        term.wait_until(lambda s: s.count("> mdw 0x08000000 2\n0x08000000: ffffffff ffffffff") == 2,
                        "the mdw line from the history did not run again")
        term.keys("reset halt", "Enter")
        term.wait_for("xPSR: 0x01000000 pc: 0x08000044 msp: 0x20005000")
        # a log line from elsewhere appears above the line being typed, which survives
        term.keys("ech")
        term.wait_for("> ech")
        tcl = socket.create_connection(("127.0.0.1", host.port_of("tcl")), timeout=5)
        tcl.sendall(b"echo {from another client}\x1a")
        assert tcl.recv(10) == b"\x1a"
        screen = term.wait_for("from another client")
        assert screen.rstrip().endswith("> ech")
        term.keys("o {it works}", "Enter")
        term.wait_for("it works")
        term.keys("abc", "C-c")  # Ctrl-C drops the line
        term.keys("exit", "Enter")
        deadline = time.monotonic() + 5
        while term.alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not term.alive(), "the console did not close on exit"
    finally:
        term.close()

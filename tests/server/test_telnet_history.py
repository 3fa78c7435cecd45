"""The telnet history across consoles and sessions: ~/.openocd_history, as OpenOCD 0.12
reads it when a console connects and writes it when the console closes (and before a
`shutdown` typed there). HOME is private to each test (conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocdpy.server import telnet_history
from tests import oracles

from .fakes import FakeSession, FakeTarget, running_host
from .proc_lines import LineReader
from .sockio import read_to_close, read_until
from .test_init_ports import wait_ports
from .test_service import LogCapture
from .test_telnet import Tmux


def history_file() -> Path:
    return Path(os.environ["HOME"]) / ".openocd_history"


def plain_console(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    read_until(sock, b"\r> ")
    return sock


def type_line(sock: socket.socket, line: bytes) -> bytes:
    sock.sendall(line + b"\r\n")
    return read_until(sock, b"\r> ")


def closed(sock: socket.socket) -> None:
    """Wait for the server to close the console (after `exit`)."""
    read_to_close(sock)
    sock.close()


def wait_for_file(lines: list[str]) -> None:
    """The server writes the file once it has seen the console close."""
    deadline = time.monotonic() + 10
    while not (history_file().exists() and history_file().read_text().splitlines() == lines):
        assert time.monotonic() < deadline, history_file().read_text() if history_file().exists() else "none"
        time.sleep(0.02)


def test_history_carries_over_to_the_next_console() -> None:
    with running_host(FakeSession(FakeTarget())) as host:
        port = host.port_of("telnet")
        first = plain_console(port)
        type_line(first, b"mdw 0x08000000 1")
        type_line(first, b"set x 5")
        first.sendall(b"exit\r\n")
        closed(first)
        wait_for_file(["mdw 0x08000000 1", "set x 5", "exit"])
        second = plain_console(port)
        assert type_line(second, b"history") == (
            b"history\r\n\x00mdw 0x08000000 1\r\n\x00set x 5\r\n\x00exit\r\n\x00\r> ")
        # the first Up skips the `exit` that ended the previous console, as in OpenOCD
        second.sendall(b"\x1b[A")
        assert read_until(second, b"set x 5") == b"set x 5"
        assert type_line(second, b"").endswith(b"5\r\n\r> ")
        second.close()


def test_the_file_is_bounded_and_damage_is_skipped() -> None:
    old = [f"echo {i}" for i in range(300)]
    history_file().write_bytes(b"\n\n" + b"x" * 100_000 + b"\n" + "\n".join(old).encode()
                               + b"\n\xff\xfe bad bytes\n")
    loaded = telnet_history.load()
    assert loaded == old[:128]  # the first 128 usable lines, as OpenOCD reads them
    with running_host(FakeSession(FakeTarget())) as host:
        sock = plain_console(host.port_of("telnet"))
        type_line(sock, b"echo new")
        sock.sendall(b"exit\r\n")
        closed(sock)
    wait_for_file([*old[2:128], "echo new", "exit"])
    assert len(history_file().read_text().splitlines()) == 128


def test_shutdown_typed_at_a_console_is_saved_before_the_servers_stop() -> None:
    with running_host(FakeSession(FakeTarget())) as host:
        sock = plain_console(host.port_of("telnet"))
        type_line(sock, b"set y 1")
        sock.sendall(b"shutdown\r\n")
        seen = read_to_close(sock)
        sock.close()
        assert b"shutdown\r\n\x00shutdown command invoked\r\n" in seen
    assert history_file().read_text().splitlines() == ["set y 1", "shutdown"]


def test_without_a_home_directory_history_stays_per_connection(monkeypatch) -> None:
    import pwd

    monkeypatch.delenv("HOME")

    def no_entry(uid: int):
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with LogCapture() as logged:
        assert telnet_history.load() == []
        telnet_history.save(["echo x"])
    assert logged.lines == ["Info : unable to get user home directory, telnet history will be disabled"] * 2


def test_a_symlinked_history_file_stays_a_symlink(tmp_path) -> None:
    real = tmp_path / "shared_history"
    real.write_text("echo old\n")
    history_file().symlink_to(real)
    telnet_history.save(["echo old", "echo new"])
    assert history_file().is_symlink()
    assert real.read_text() == "echo old\necho new\n"


def test_the_line_editor_recalls_the_saved_history() -> None:
    history_file().write_text("mdw 0x08000000 2\nreg pc\n")
    with running_host(FakeSession(FakeTarget())) as host:
        term = Tmux(host.port_of("telnet"))
        try:
            term.wait_for("Open On-Chip Debugger\n>")
            term.keys("Up", "Up", "Enter")
            term.wait_for("0x08000000: ffffffff ffffffff")
            term.keys("exit", "Enter")
            deadline = time.monotonic() + 5
            while term.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            term.close()
    wait_for_file(["mdw 0x08000000 2", "reg pc", "mdw 0x08000000 2", "exit"])


def _two_sessions(tool: str, home: Path) -> tuple[list[str], list[bytes]]:
    """First console: three lines and `exit`; second: Up, Up, Down, Down, `history`.
    What the first left in the file (blank lines dropped) and what the second saw."""
    exe = oracles.need("openocd") if tool == "openocd" else sys.executable
    head = [exe] if tool == "openocd" else [exe, "-m", "ocdpy"]
    proc = subprocess.Popen([*head, "-c", "gdb_port disabled; tcl_port disabled; telnet_port 0",
                             "-c", "noinit"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, HOME=str(home)))
    reader = LineReader(proc)
    try:
        port = wait_ports(reader, {"telnet"})["telnet"]
        first = plain_console(port)
        for line in (b"echo one", b"echo two", b"echo two", b"exit"):
            type_line(first, line)  # (`exit` before init is refused by both)
        first.close()
        deadline = time.monotonic() + 10
        path = home / ".openocd_history"
        while not (path.exists() and b"exit" in path.read_bytes()):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        saved = [line for line in path.read_text().splitlines() if line]
        second = plain_console(port)
        seen = []
        for key, shows in ((b"\x1b[A", b"echo two"), (b"\x1b[A", b"echo one"), (b"\x1b[B", b"echo two"),
                           (b"\x1b[B", b"exit")):
            second.sendall(key)
            seen.append(read_until(second, shows))
        second.sendall(b"\x15history\r\n")
        seen.append(read_until(second, b"\r> "))
        second.close()
        return saved, seen
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.mark.oracle("openocd")
def test_the_same_history_as_openocd(tmp_path) -> None:
    (tmp_path / "openocd").mkdir()
    (tmp_path / "ocdpy").mkdir()
    ref = _two_sessions("openocd", tmp_path / "openocd")
    got = _two_sessions("ocdpy", tmp_path / "ocdpy")
    assert got == ref
    assert got[0] == ["echo one", "echo two", "exit"]

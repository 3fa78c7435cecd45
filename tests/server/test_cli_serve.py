"""`ocdpy` itself serving: after the command line (here with `noinit`, no probe), the
Tcl RPC and telnet servers run until `shutdown` from a client, a signal, or fail
cleanly when a port is taken."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from .proc_lines import LineReader

ARGS = [sys.executable, "-m", "ocdpy", "-c", "telnet_port 0", "-c", "tcl_port 0",
        "-c", "gdb_port 0", "-c", "noinit"]


def start(args: list[str] = ARGS) -> tuple[subprocess.Popen, dict[str, int], LineReader]:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = LineReader(proc)
    ports: dict[str, int] = {}
    deadline = time.monotonic() + 90  # a loaded CI machine starts Python slowly
    while len(ports) < 2:
        line = reader.next_line(deadline)
        if line is None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("no Listening lines:\n" + "".join(reader.lines))
        m = re.match(r"Info : Listening on port (\d+) for (\w+) connections", line or "")
        if m:
            ports[m.group(2)] = int(m.group(1))
    return proc, ports, reader


def tcl_call(port: int, command: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(command.encode() + b"\x1a")
        data = b""
        while not data.endswith(b"\x1a"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


def test_serves_until_shutdown_from_a_client() -> None:
    proc, ports, lines = start()
    try:
        assert set(ports) == {"tcl", "telnet"}  # GDB servers start with targets, at init
        assert tcl_call(ports["tcl"], "expr {6 * 7}") == b"42\x1a"
        telnet = socket.create_connection(("127.0.0.1", ports["telnet"]), timeout=10)
        data = b""
        while not data.endswith(b"\r> "):
            data += telnet.recv(4096)
        assert b"Open On-Chip Debugger\r\n" in data
        telnet.sendall(b"shutdown\r\n")
        assert proc.wait(30) == 0
        assert "shutdown command invoked" in lines.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_sigterm_runs_shutdown() -> None:
    proc, ports, lines = start()
    try:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "shutdown command invoked" in lines.rest()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_a_taken_port_ends_with_an_error() -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        r = subprocess.run([sys.executable, "-m", "ocdpy", "-c", f"telnet_port {port}",
                            "-c", "tcl_port 0", "-c", "noinit"],
                           capture_output=True, text=True, timeout=60)
    finally:
        blocker.close()
    assert r.returncode == 1
    assert f"Error: couldn't bind telnet to socket on port {port}: Address already in use" in r.stderr
    assert "Traceback" not in r.stderr

"""The servers' background poller and `poll off`/`poll on`: as OpenOCD's
jtag_poll_set_enabled, `poll off` stops the poller (a halt while running goes
unnoticed), `poll on` starts it again (the halt is then reported to the log and to Tcl
RPC clients with notifications on)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from .fakes import FLASH_BASE, FakeSession, FakeTarget, running_host
from .proc_lines import LineReader
from .test_tcl_rpc import TclClient

# Long enough for the poller (20 ms period here) to have run many times.
QUIET_S = 0.4


def until(tcl: TclClient, last: bytes) -> list[bytes]:
    """Notifications up to and including `last` (bounded)."""
    seen: list[bytes] = []
    while last not in seen:
        assert len(seen) < 50, seen
        seen.append(tcl.read_message())
    return seen


def test_poll_off_stops_the_poller_and_poll_on_restarts_it() -> None:
    target = FakeTarget(run_polls=2)  # halts at its breakpoint on the third poll
    target.breakpoints[FLASH_BASE + 0x100] = (2, True)
    session = FakeSession(target)
    with running_host(session) as host:
        tcl = TclClient(host.port_of("tcl"))
        assert tcl.call("tcl_notifications on") == b""
        session.background_polling = False  # what `poll off` sets
        assert tcl.call("resume") == b"type target_event event resumed\r\n"
        assert tcl.read_message() == b"type target_state state running\r\n"
        assert tcl.read_message() == b""
        time.sleep(QUIET_S)
        assert target.state() == "running"  # never polled, so never saw its breakpoint
        assert host.poll_targets() == []
        session.background_polling = True  # `poll on`
        assert tcl.read_message() == b"type target_event event halted\r\n"
        assert tcl.read_message() == b"type target_state state halted\r\n"
        assert target.regs[15] == FLASH_BASE + 0x100


def test_poll_off_and_on_from_a_client_on_the_virtual_chip(tmp_path) -> None:
    """The real `poll` command, typed over Tcl RPC, on the virtual F103 running the test
    firmware into a hardware breakpoint at main."""
    from tests.debug import harness as H

    state = H.make_state(tmp_path)
    main = H.elf_symbol("main") & ~1
    env = dict(os.environ, OCDPY_SIM=f"stm32f103c8,state={state}", HOME=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg",
         "-c", "gdb_port disabled; telnet_port disabled; tcl_port 0", "-c", "init",
         "-c", "reset halt", "-c", f"bp {main:#x} 2 hw"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    reader = LineReader(proc)
    try:
        deadline = time.monotonic() + 120
        port = None
        while port is None:
            line = reader.next_line(deadline)
            if not line:
                pytest.fail("no Tcl port:\n" + "".join(reader.lines))
            m = re.match(r"Info : Listening on port (\d+) for tcl connections", line)
            port = int(m.group(1)) if m else None
        watcher, client = TclClient(port), TclClient(port)
        assert watcher.call("tcl_notifications on") == b""
        assert client.call("poll off") == b""
        assert client.call("poll").startswith(b"background polling: off\n")
        assert client.call("resume") == b""
        seen = until(watcher, b"type target_event event resume-end\r\n")
        assert seen[:3] == [b"type target_event event resume-start\r\n", b"type target_event event resumed\r\n",
                            b"type target_state state running\r\n"]
        time.sleep(QUIET_S)
        watcher.sock.settimeout(0.2)
        try:
            extra = watcher.read_message()
        except TimeoutError:
            extra = None
        assert extra is None  # the core reached main, but no one polled it
        watcher.sock.settimeout(30)
        assert client.call("poll on") == b""
        # OpenOCD's order: gdb-halt (the state changes with it), then halted
        assert until(watcher, b"type target_event event halted\r\n") == [
            b"type target_event event gdb-halt\r\n", b"type target_state state halted\r\n",
            b"type target_event event halted\r\n"]
        assert client.call("reg pc") == f"pc (/32): {main:#010x}\n".encode()
        client.sock.sendall(b"shutdown\x1a")
        assert proc.wait(30) == 0
        out = "".join(reader.lines) + reader.rest()
        assert "halted due to breakpoint" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

"""What a Tcl RPC command leaves on the log: OpenOCD 0.12 echoes a command's result (when
not empty) and a failed command's message as plain lines, which reach stderr and every
telnet console. Compared with OpenOCD on the same virtual chip."""

from __future__ import annotations

import subprocess

import pytest

from tests import oracles

from .fakes import FakeSession, FakeTarget, running_host
from .proc_lines import LineReader
from .sockio import read_until
from .test_init_ports import command, stlink_server, wait_ports
from .test_service import LogCapture, console
from .test_tcl_rpc import TclClient

pytest.importorskip("unicorn")

COMMANDS = ["expr 1+2", "mdw 0x08000000 2", 'set x ""', "error boom", "echo hi",
            "capture {echo cap}", 'format "a\\nb"', "poll", "catch {error hidden}"]


def logged_by(tool: str) -> list[str]:
    """The log lines between the Tcl client's arrival and `shutdown`."""
    with stlink_server() as port:
        proc = subprocess.Popen(command(tool, port, "-c", "gdb_port disabled; telnet_port disabled; tcl_port 0"),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        reader = LineReader(proc)
        try:
            tcl_port = wait_ports(reader, {"tcl"})["tcl"]
            tcl = TclClient(tcl_port)
            for c in COMMANDS:
                tcl.call(c)
            tcl.sock.sendall(b"shutdown\x1a")
            proc.wait(30)
            lines = [line.rstrip("\n") for line in reader.lines + reader.rest().splitlines(True)]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    start = next(i for i, line in enumerate(lines) if line.startswith("Info : accepting 'tcl'"))
    return lines[start + 1:lines.index("shutdown command invoked")]


@pytest.mark.oracle("openocd")
def test_results_are_echoed_to_the_log_as_openocd_does() -> None:
    oracles.need("openocd")
    ref = logged_by("openocd")
    got = logged_by("ocdpy")
    assert got == ref
    assert got[:4] == ["3", "0x08000000: ffffffff ffffffff ", "", "boom"]


def test_a_result_reaches_the_log_and_every_console() -> None:
    with LogCapture() as logged, running_host(FakeSession(FakeTarget())) as host:
        telnet = console(host)
        tcl = TclClient(host.port_of("tcl"))
        assert tcl.call("expr {6 * 7}") == b"42"
        assert tcl.call("set empty {}") == b""
        assert tcl.call("error boom") == b"boom"
        assert b"42\r\n" in read_until(telnet, b"boom\r\n")
        telnet.close()
    assert "42" in logged.lines
    assert logged.lines.index("42") < logged.lines.index("boom")
    assert "" not in logged.lines[logged.lines.index("42"):]  # an empty result is not echoed

"""When the ports are bound and what is said about them, as OpenOCD 0.12 does it: the
Tcl RPC and telnet ports after the command line, each target's GDB port inside `init`
(so `-c init -c shutdown` prints the GDB lines too), a GDB port that is taken is an
error line and the run goes on. Compared line for line with OpenOCD on the same
virtual chip (an ST-LINK server over TCP)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests import oracles

from .proc_lines import LineReader
from .rsp import RspClient

pytest.importorskip("unicorn")

TIMEOUT_S = 90
ALL_ZERO = "gdb_port 0; tcl_port 0; telnet_port 0"
ALL_OFF = "gdb_port disabled; tcl_port disabled; telnet_port disabled"
SERVER_LINE = re.compile(r"Listening on port|starting gdb server|port disabled|server disabled|"
                         r"couldn't bind|accepting '|target has \d+ breakpoints|shutdown command")


@contextmanager
def stlink_server() -> Iterator[int]:
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    hw = SimHardware(SimSpec(chip="stm32f103c8", probe="stlink-v2", deterministic=True))
    with StlinkServer([hw.probe], port=0) as server:
        yield server.port


def command(tool: str, stlink_port: int, *args: str) -> list[str]:
    exe = oracles.need("openocd") if tool == "openocd" else sys.executable
    head = [exe] if tool == "openocd" else [exe, "-m", "ocdpy"]
    return [*head, "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {stlink_port}",
            "-f", "target/stm32f1x.cfg", *args]


def server_lines(output: str) -> list[str]:
    """The lines about ports and connections, port numbers replaced by N, with the line
    that ends target examination (inside init) to show where they come."""
    return [re.sub(r"(port |tcp/)\d+", r"\1N", line) for line in output.splitlines()
            if SERVER_LINE.search(line)]


def one_shot(tool: str, *args: str) -> subprocess.CompletedProcess:
    with stlink_server() as port:
        return subprocess.run(command(tool, port, *args), capture_output=True, text=True,
                              timeout=TIMEOUT_S)


def serving(tool: str, *args: str) -> str:
    """Start serving, wait for the GDB port, stop with `shutdown` over Tcl RPC."""
    with stlink_server() as port:
        proc = subprocess.Popen(command(tool, port, *args), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        reader = LineReader(proc)
        try:
            ports = wait_ports(reader, {"tcl", "gdb"})
            with socket.create_connection(("127.0.0.1", ports["tcl"]), timeout=10) as tcl:
                tcl.sendall(b"shutdown\x1a")
                proc.wait(30)
            return "".join(reader.lines) + reader.rest()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


def wait_ports(reader: LineReader, names: set[str]) -> dict[str, int]:
    ports: dict[str, int] = {}
    deadline = time.monotonic() + TIMEOUT_S
    while not names <= set(ports):
        line = reader.next_line(deadline)
        if not line:
            pytest.fail("the ports were not all announced:\n" + "".join(reader.lines))
        m = re.match(r"Info : Listening on port (\d+) for (\w+) connections", line)
        if m:
            ports[m.group(2)] = int(m.group(1))
    return ports


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("ports", [ALL_ZERO, ALL_OFF])
def test_init_then_shutdown_prints_the_gdb_lines_as_openocd(ports: str) -> None:
    ref = one_shot("openocd", "-c", ports, "-c", "init", "-c", "shutdown")
    got = one_shot("ocdpy", "-c", ports, "-c", "init", "-c", "shutdown")
    assert ref.returncode == got.returncode == 0, got.stderr
    assert server_lines(got.stderr) == server_lines(ref.stderr)
    expected = (["Info : starting gdb server for stm32f1x.cpu on 0",
                 "Info : Listening on port N for gdb connections"] if ports == ALL_ZERO
                else ["Info : gdb port disabled"])
    assert server_lines(got.stderr)[1:] == [*expected, "shutdown command invoked"]


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("init", [False, True], ids=["init-after-server-init", "init-on-command-line"])
def test_serving_announces_the_ports_in_openocds_order(init: bool) -> None:
    args = ["-c", ALL_ZERO, *(["-c", "init"] if init else [])]
    ref = server_lines(serving("openocd", *args))
    got = server_lines(serving("ocdpy", *args))
    assert got == ref
    gdb = got.index("Info : Listening on port N for gdb connections")
    tcl = got.index("Info : Listening on port N for tcl connections")
    examined = got.index("Info : [stm32f1x.cpu] target has 6 breakpoints, 4 watchpoints")
    assert (examined < gdb < tcl) if init else (tcl < examined < gdb)
    assert "Info : accepting 'tcl' connection on tcp/N" in got


def test_a_gdb_that_connects_during_the_command_line_is_served_after_it(tmp_path) -> None:
    """The GDB port listens from `init` on: a GDB connecting while a later `-c` command
    still runs waits in the queue and gets its answer once the servers run."""
    env = dict(os.environ, OCDPY_SIM="stm32f103c8", HOME=str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg",
                             "-f", "target/stm32f1x.cfg", "-c", ALL_ZERO, "-c", "init",
                             "-c", "sleep 1500", "-c", "echo command-line-done"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    reader = LineReader(proc)
    try:
        port = wait_ports(reader, {"gdb"})["gdb"]
        client = RspClient(port, timeout=60)
        client.send("?")
        assert client.read_packet() == b"S02"
        tcl = wait_ports(reader, {"tcl"})["tcl"]
        deadline = time.monotonic() + TIMEOUT_S
        while not any(line.startswith("Info : accepting 'gdb'") for line in reader.lines):
            assert reader.next_line(deadline), "".join(reader.lines)
        lines = [line.rstrip("\n") for line in reader.lines]
        # queued from the start, accepted once the command line was done
        assert lines.index("command-line-done") < lines.index("Info : accepting 'gdb' connection on tcp/0")
        client.close()
        with socket.create_connection(("127.0.0.1", tcl), timeout=10) as s:
            s.sendall(b"shutdown\x1a")
            assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_a_taken_gdb_port_is_an_error_line_and_the_run_goes_on(tmp_path) -> None:
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = blocker.getsockname()[1]
    env = dict(os.environ, OCDPY_SIM="stm32f103c8", HOME=str(tmp_path))
    try:
        r = subprocess.run([sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg",
                            "-f", "target/stm32f1x.cfg", "-c", f"gdb_port {taken}", "-c", "init",
                            "-c", "echo [stm32f1x.cpu cget -gdb-port]", "-c", "shutdown"],
                           capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    finally:
        blocker.close()
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert f"Info : starting gdb server for stm32f1x.cpu on {taken}" in lines
    i = lines.index(f"Info : starting gdb server for stm32f1x.cpu on {taken}")
    assert lines[i + 1].startswith(f"Error: couldn't bind gdb to socket on port {taken}: "
                                   "Address already in use; ")
    assert "choose another port with gdb_port, or 0 for any free port" in lines[i + 1]
    assert lines[-2:] == ["undefined", "shutdown command invoked"]  # as OpenOCD: no port kept


def test_cget_gdb_port_after_init_is_the_port_the_target_got(tmp_path) -> None:
    env = dict(os.environ, OCDPY_SIM="stm32f103c8", HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg",
                        "-f", "target/stm32f1x.cfg", "-c", "gdb_port 0", "-c",
                        "echo before:[stm32f1x.cpu cget -gdb-port]", "-c", "init",
                        "-c", "echo after:[stm32f1x.cpu cget -gdb-port]", "-c", "shutdown"],
                       capture_output=True, text=True, timeout=TIMEOUT_S, env=env)
    assert r.returncode == 0, r.stderr
    assert "before:undefined" in r.stderr.splitlines()
    assert "after:0" in r.stderr.splitlines()

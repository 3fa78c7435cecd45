"""`ocdpy-sim`: error lines for bad input, and a serve / SIGTERM / stats round trip."""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from ocdpy.sim import cli, env

from . import fakechips

ROOT = Path(__file__).resolve().parents[3]
BOOT = (
    "import sys; from ocdpy.sim import env; from tests.sim.probe import fakechips; "
    "env._chips_module = lambda: fakechips.module(); "
    "from ocdpy.sim.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> None:
    chips = fakechips.module()
    monkeypatch.setattr(env, "_chips_module", lambda: chips)


def test_bad_chip(fake: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--chip", "stm32f999"]) == 1
    assert capsys.readouterr().err == "Error: unknown chip 'stm32f999'; valid chips: stm32f103c8, stm32f407vg\n"


def test_bad_fault_lists_valid_faults(fake: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--chip", "stm32f103c8", "--fault", "rdp1", "melted"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: unknown fault 'melted'; valid faults: rdp1, wrp, no-power, usb-error-after=N")


def test_bad_firmware_version(fake: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--chip", "stm32f103c8", "--fw", "J37"]) == 1
    assert "Error: bad ST-Link firmware version 'J37'" in capsys.readouterr().err


def test_port_in_use(fake: None, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["--chip", "stm32f103c8", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Error: port {port} on 127.0.0.1 is in use")
    assert "--port" in err


def test_no_chip(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "Error: no chip given; use --chip NAME" in capsys.readouterr().err


def test_serves_until_sigterm_then_writes_stats(tmp_path: Path) -> None:
    stats, state = tmp_path / "stats.json", tmp_path / "state.json"
    proc = subprocess.Popen(
        [sys.executable, "-c", BOOT, "--chip", "stm32f103c8", "--port", "0", "--probe", "stlink-v2-1",
         "--stats", str(stats), "--state", str(state), "--deterministic"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "ocdpy-sim did not start"
        line = proc.stdout.readline()
        assert line.startswith("Listening on 127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(bytes([1]))
            assert struct.unpack("<I", s.recv(4))[0] == 1
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "Info : stm32f103c8 behind STLINK V2J37M26 (stlink-v2-1, 0483:374B" in err
    figures = json.loads(stats.read_text())
    assert figures["probe"] == "stlink-v2-1" and figures["firmware"] == "V2J37M26"
    assert state.exists()

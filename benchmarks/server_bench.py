"""Load test of the telnet console: N concurrent consoles x M commands each, over
loopback; every reply is checked; prints JSON with p50/p99 command latency.

    python3 benchmarks/server_bench.py [--consoles 50] [--commands 100]
                                       [--server fake|sim|openocd] [--chip stm32f103c8]

Servers:
  fake     ocdpy's servers on the test fake target (tests/server/fakes.py), own process
  sim      `ocdpy` on the virtual chip (OCDPY_SIM), interface/stlink.cfg + target cfg
  openocd  OpenOCD 0.12 on the same virtual chip (ocdpy-sim as ST-LINK server)

Each console alternates a memory read (`mdw 0x08000000 4`, through the hardware lock
and the probe) with a pure Tcl command (`expr`). Latency is from sending the line to
receiving the prompt that follows its result; the consoles connect first, one after
another, then all send their commands at once. Everything has a timeout; a wrong or
missing reply makes the run fail (exit 1) and is reported in the JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPT = b"\r> "
TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f407vg": "target/stm32f4x.cfg"}
HOME = tempfile.TemporaryDirectory(prefix="server-bench-home-")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def read_until(reader: asyncio.StreamReader, marker: bytes, timeout: float) -> bytes:
    return await asyncio.wait_for(reader.readuntil(marker), timeout)


async def connect(port: int, timeout: float) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port, limit=1 << 20), timeout)
    await read_until(reader, PROMPT, timeout)
    return reader, writer


async def console(n: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, commands: int,
                  expect_mdw: bytes, latencies: list[float], errors: list[str], timeout: float) -> None:
    try:
        for i in range(commands):
            if i % 2:
                line, expect = f"expr {{{n} * 100000 + {i}}}", f"{n * 100000 + i}".encode()
            else:
                line, expect = "mdw 0x08000000 4", expect_mdw
            start = time.perf_counter()
            writer.write(line.encode() + b"\r\n")
            data = b""
            while expect not in data:
                data += await read_until(reader, PROMPT, timeout)
            latencies.append(time.perf_counter() - start)
        writer.close()
    except Exception as e:  # noqa: BLE001 - every failure is reported
        errors.append(f"console {n}: {type(e).__name__}: {e}")


async def load(port: int, consoles: int, commands: int, expect_mdw: bytes, timeout: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    # Connect first, one after another (OpenOCD listens with a backlog of 1), then load.
    links = []
    for n in range(consoles):
        try:
            links.append((n, *await connect(port, timeout)))
        except Exception as e:  # noqa: BLE001
            errors.append(f"console {n}: cannot connect: {type(e).__name__}: {e}")
    start = time.perf_counter()
    await asyncio.gather(*(console(n, r, w, commands, expect_mdw, latencies, errors, timeout)
                           for n, r, w in links))
    wall = time.perf_counter() - start
    result = {"consoles": consoles, "commands_per_console": commands,
              "replies_ok": len(latencies), "replies_expected": consoles * commands,
              "errors": errors[:10], "wall_s": round(wall, 3)}
    if latencies:
        q = statistics.quantiles(latencies, n=100, method="inclusive")
        result.update(p50_ms=round(q[49] * 1000, 2), p99_ms=round(q[98] * 1000, 2),
                      max_ms=round(max(latencies) * 1000, 2),
                      commands_per_s=round(len(latencies) / wall, 1))
    return result


def server_env(**extra: str) -> dict[str, str]:
    """The servers' environment: HOME in a directory of our own, as every console that
    closes writes ~/.openocd_history (ocdpy and OpenOCD alike)."""
    return dict(os.environ, HOME=HOME.name, **extra)


def start_fake() -> tuple[subprocess.Popen, int, bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.server.fake_server", "tcp"], cwd=ROOT,
                            env=server_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    ports = json.loads(line)
    return proc, ports["telnet"], b"0x08000000: ffffffff ffffffff ffffffff ffffffff"


def wait_for_port(proc: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {port}")


def start_sim(chip: str) -> tuple[list[subprocess.Popen], int, bytes]:
    port = free_port()
    env = server_env(OCDPY_SIM=chip)
    proc = subprocess.Popen([sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg", "-f", TARGET_CFG[chip],
                             "-c", f"telnet_port {port}", "-c", "tcl_port disabled",
                             "-c", "gdb_port disabled"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(proc, port)
    return [proc], port, b"0x08000000: "


def start_openocd(chip: str) -> tuple[list[subprocess.Popen], int, bytes]:
    sim_port, port = free_port(), free_port()
    sim = subprocess.Popen(["ocdpy-sim", "--chip", chip, "--port", str(sim_port), "--deterministic"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(sim, sim_port)
    ocd = subprocess.Popen(["openocd", "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {sim_port}",
                            "-f", TARGET_CFG[chip], "-c", f"telnet_port {port}", "-c", "tcl_port disabled",
                            "-c", "gdb_port disabled"], env=server_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(ocd, port)
    return [ocd, sim], port, b"0x08000000: "


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--consoles", type=int, default=50)
    ap.add_argument("--commands", type=int, default=100)
    ap.add_argument("--server", choices=("fake", "sim", "openocd"), default="fake")
    ap.add_argument("--chip", default="stm32f103c8", choices=sorted(TARGET_CFG))
    ap.add_argument("--timeout", type=float, default=60.0, help="per reply, seconds")
    args = ap.parse_args()
    if args.server == "fake":
        proc, port, expect = start_fake()
        procs = [proc]
    elif args.server == "sim":
        procs, port, expect = start_sim(args.chip)
    else:
        procs, port, expect = start_openocd(args.chip)
    try:
        result = asyncio.run(load(port, args.consoles, args.commands, expect, args.timeout))
    finally:
        stop(procs)
    result = {"benchmark": "telnet consoles over loopback", "server": args.server,
              "chip": args.chip if args.server != "fake" else None, **result}
    print(json.dumps(result, indent=2))
    ok = result["replies_ok"] == result["replies_expected"] and not result["errors"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

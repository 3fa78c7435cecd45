"""The `ocdpy-sim` command: a virtual chip behind a virtual ST-Link, served as an
ST-LINK server on 127.0.0.1 so OpenOCD (`hla_stlink_backend tcp PORT`) or ocdpy can
drive it. Serves until SIGINT/SIGTERM, then saves the chip state and writes stats.

    ocdpy-sim --chip stm32f103c8 [--port 7184] [--probe stlink-v2|stlink-v2-1|stlink-v3]
              [--state FILE] [--stats FILE] [--fault NAME ...] [--deterministic]
              [--serial S] [--fw VERSION]
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading

from ocdpy.errors import OcdError

from .env import SimHardware, SimSpec, chip_fault_names, chip_names
from .stlink.faults import PROBE_FAULT_NAMES
from .stlink.kinds import PROBE_KINDS
from .tcp_server import DEFAULT_PORT, StlinkServer


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ocdpy-sim",
        description="Serve a virtual STM32 behind a virtual ST-Link as an ST-LINK server (TCP, 127.0.0.1).",
        epilog="OpenOCD: openocd -f interface/stlink.cfg -c 'hla_stlink_backend tcp 7184' -f target/stm32f1x.cfg",
    )
    p.add_argument("--chip", help="virtual chip, e.g. stm32f103c8 (see --list)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"TCP port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--probe", default="stlink-v2", help="probe kind (default stlink-v2; see --list)")
    p.add_argument("--state", metavar="FILE", help="load the chip's flash/option bytes from FILE, save them on exit")
    p.add_argument("--stats", metavar="FILE", help="write counters and modeled time (JSON) to FILE on exit")
    p.add_argument("--fault", metavar="NAME", action="extend", nargs="+", default=[],
                   help="switch on a fault (see --list); repeatable")
    p.add_argument("--deterministic", action="store_true",
                   help="modeled time advances only with probe commands, never with wall-clock idle time")
    p.add_argument("--serial", help="probe serial number (24 hex digits)")
    p.add_argument("--fw", metavar="VERSION", help="probe firmware version, e.g. V2J37S7 or an old V2J17S4")
    p.add_argument("--list", action="store_true", help="list chips, probes and faults, then exit")
    return p


def _list() -> int:
    try:
        chips = ", ".join(chip_names())
        faults = ", ".join([*chip_fault_names(), *PROBE_FAULT_NAMES])
    except OcdError as exc:
        chips, faults = f"(unavailable: {exc})", ", ".join(PROBE_FAULT_NAMES)
    print(f"chips:  {chips}")
    print(f"probes: {', '.join(f'{k.name} ({k.vid:04x}:{k.pid:04x}, {k.default_fw})' for k in PROBE_KINDS.values())}")
    print(f"faults: {faults}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list:
        return _list()
    if not args.chip:
        sys.stderr.write("Error: no chip given; use --chip NAME (ocdpy-sim --list shows the chips)\n")
        return 2
    if not 0 <= args.port <= 65535:
        sys.stderr.write(f"Error: bad port {args.port}; give 1-65535, or 0 for a free port\n")
        return 2
    spec = SimSpec(chip=args.chip, probe=args.probe, state=args.state, stats=args.stats,
                   faults=list(args.fault), deterministic=args.deterministic, fw=args.fw,
                   serial=args.serial)
    try:
        hardware = SimHardware(spec)
    except OcdError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 1
    except OSError as exc:
        sys.stderr.write(f"Error: cannot load the chip state from {args.state}: {exc.strerror or exc}\n")
        return 1

    server = StlinkServer([hardware.probe], port=args.port)
    try:
        server.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            sys.stderr.write(
                f"Error: port {args.port} on 127.0.0.1 is in use (another ST-LINK server or ocdpy-sim?); "
                "stop it or choose another port with --port\n"
            )
        else:
            sys.stderr.write(f"Error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}\n")
        return 1

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    probe = hardware.probe
    sys.stderr.write(
        f"Info : {args.chip} behind STLINK {probe.fw} ({probe.kind.name}, "
        f"{probe.kind.vid:04X}:{probe.kind.pid:04X}, serial {probe.serial})"
        f"{', faults: ' + ', '.join(spec.faults) if spec.faults else ''}"
        f"{', deterministic' if spec.deterministic else ''}\n"
    )
    print(f"Listening on 127.0.0.1:{server.port}", flush=True)
    status = 0
    try:
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
        try:
            hardware.save()
        except OSError as exc:
            sys.stderr.write(f"Error: cannot save state/stats: {exc}\n")
            status = 1
    if spec.stats:
        sys.stderr.write(f"Info : stats written to {spec.stats}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())

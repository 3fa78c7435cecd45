"""Run the debug commands on a virtual STM32F103 with its test firmware, three ways:

- ocdpy in this process (a Session whose adapter reaches the virtual ST-Link through
  pyusb), for quick checks of outputs and errors: `with sim_session() as h: h.run(...)`;
- `ocdpy` as a user runs it (a subprocess), over USB (`OCDPY_SIM=...,state=FILE`) or
  over the ST-LINK server protocol (`hla_stlink_backend tcp PORT` against a virtual
  ST-LINK server in this process);
- the real OpenOCD 0.12 over the ST-LINK server protocol, on a virtual chip of its own.

Every run starts from the same state file (the blinky firmware in flash), with the
deterministic timing model, so both programs see identical hardware.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ocdpy import log

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "contrib" / "firmware"
CHIP = "stm32f103c8"
TARGET = "stm32f1x.cpu"
SERVER_OFF = ["-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled"]
TIMEOUT_S = 120


def elf_symbol(name: str, elf: str = "blinky-f103.elf") -> int:
    from elftools.elf.elffile import ELFFile

    with (FIRMWARE / elf).open("rb") as f:
        sym = ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name(name)
        assert sym, name
        return sym[0]["st_value"]


def make_state(directory: Path, firmware: str | None = "blinky-f103", chip: str = CHIP) -> Path:
    """A sim state file for `chip` with `firmware` (a .bin of contrib/firmware) in flash."""
    pytest.importorskip("unicorn")
    from ocdpy.sim.chips import create_chip

    path = directory / f"{chip}-{firmware or 'blank'}.json"
    chip_obj = create_chip(chip, state_path=str(path))
    if firmware:
        data = (FIRMWARE / f"{firmware}.bin").read_bytes()
        chip_obj.flash.write(0, data)
        chip_obj.flash_changed(0x08000000, len(data))
    chip_obj.save_state()
    return path


def fresh_copy(state: Path, directory: Path, tag: str) -> Path:
    """Each run gets its own copy: the sim writes the state back when it closes."""
    copy = directory / f"{tag}-{state.name}"
    shutil.copyfile(state, copy)
    return copy


# -- in-process sessions ------------------------------------------------------------------------


@dataclass
class Harness:
    session: object
    hw: object  # ocdpy.sim.env.SimHardware
    out: io.StringIO = field(default_factory=io.StringIO)

    @property
    def chip(self):  # -> SimChip
        return self.hw.chip  # type: ignore[attr-defined]

    def mark(self) -> int:
        return len(self.out.getvalue())

    def since(self, mark: int) -> str:
        return self.out.getvalue()[mark:]

    def run(self, line: str) -> str:
        """Run a command line as the command line does (its result printed after its
        log lines); returns what it printed."""
        start = self.mark()
        result = self.session.run_command(line)  # type: ignore[attr-defined]
        if result:
            log.user(result)
        return self.since(start)

    def fails(self, line: str) -> str:
        """Run a command that must fail; returns what it printed (error report included)."""
        from ocdpy.session import report_tcl_error
        from ocdpy.tcl import TclError

        start = self.mark()
        with pytest.raises(TclError) as info:
            self.session.run_command(line)  # type: ignore[attr-defined]
        report_tcl_error(info.value)
        return self.since(start)

    def commands(self) -> int:
        return self.chip.stats.get("probe_commands")


@contextlib.contextmanager
def sim_session(tmp_path: Path, firmware: str | None = "blinky-f103", faults: tuple[str, ...] = (),
                config: tuple[str, ...] = ("interface/stlink.cfg", "target/stm32f1x.cfg"),
                before: tuple[str, ...] = (), probe: str = "stlink-v2", init: bool = True,
                link: str = "usb", chip: str = CHIP) -> Iterator[Harness]:
    """ocdpy in this process on a fresh virtual chip (an F103 with its firmware loaded,
    unless told otherwise)."""
    pytest.importorskip("unicorn")
    from ocdpy.adapter import create_adapter, settings_from_config
    from ocdpy.session import Session
    from ocdpy.sim.env import SimHardware, SimSpec

    state = make_state(tmp_path, firmware, chip) if firmware else None
    hw = SimHardware(SimSpec(chip=chip, probe=probe, faults=list(faults), deterministic=True,
                             state=str(fresh_copy(state, tmp_path, "s")) if state else None))
    out = io.StringIO()
    old_level = log.get_level()
    log.set_output(out)
    session = Session(use_installed_openocd=False)
    with contextlib.ExitStack() as stack:
        server = None
        if link == "tcp":
            from ocdpy.sim.tcp_server import StlinkServer

            server = stack.enter_context(StlinkServer([hw.probe], port=0))
        else:
            from ocdpy.sim.usb_backend import SimUsbBackend

            backend = SimUsbBackend([hw.probe])

            def factory(s):
                settings = settings_from_config(s.config.adapter, s.config.transport.selected)
                settings.usb_backend = backend
                return create_adapter(settings)

            session.adapter_factory = factory
        h = Harness(session, hw, out)
        try:
            for name in config:
                session.run_script(name)
                if server is not None and name.startswith("interface/"):
                    session.run_command(f"hla_stlink_backend tcp {server.port}")
            for line in [*SERVER_OFF[1::2], *before]:
                session.run_command(line)
            if init:
                session.init()
            yield h
        finally:
            session.shutdown()
            log.set_output(None)
            log.set_level(old_level)


# -- subprocess runs ------------------------------------------------------------------------------


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ, LC_ALL="C")
    env.pop("OPENOCD_SCRIPTS", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra or {})
    return env


@dataclass
class Run:
    returncode: int
    output: str  # stderr then stdout (OpenOCD logs everything to stderr)
    stats: dict[str, object]


def _commands(commands: list[str]) -> list[str]:
    args: list[str] = []
    for c in commands:
        args += ["-c", c]
    return args


INTERFACES = {
    # driver: (interface file, backend command, commands after it, probe kind)
    "hla": ("interface/stlink.cfg", "hla_stlink_backend tcp {port}", [], "stlink-v2"),
    "st-link": ("interface/stlink-dap.cfg", "st-link backend tcp {port}", ["transport select dapdirect_swd"],
                "stlink-v2-1"),
}


def _head(driver: str, port: int | None) -> list[str]:
    iface, backend, after, _probe = INTERFACES[driver]
    args = ["-f", iface]
    if port is not None:
        args += ["-c", backend.format(port=port)]
    return args + _commands(after) + SERVER_OFF


def run_openocd(state: Path, tmp_path: Path, commands: list[str], target_cfg: str = "target/stm32f1x.cfg",
                before: list[str] | None = None, driver: str = "hla") -> Run:
    """The real OpenOCD 0.12 (over the ST-LINK server) on its own virtual chip."""
    from tests import oracles

    exe = oracles.need("openocd")
    oracles.need_openocd_scripts()
    return _with_server(state, tmp_path, "openocd", INTERFACES[driver][3], lambda port: (
        [exe, *_head(driver, port), *_commands(before or []), "-f", target_cfg, *_commands(commands),
         "-c", "shutdown"], {}))


def run_ocdpy_tcp(state: Path, tmp_path: Path, commands: list[str], target_cfg: str = "target/stm32f1x.cfg",
                  before: list[str] | None = None, driver: str = "hla") -> Run:
    """`ocdpy` over the ST-LINK server protocol, exactly as OpenOCD is run."""
    return _with_server(state, tmp_path, "ocdpy-tcp", INTERFACES[driver][3], lambda port: (
        [sys.executable, "-m", "ocdpy", *_head(driver, port), *_commands(before or []), "-f", target_cfg,
         *_commands(commands), "-c", "shutdown"], {}))


def run_ocdpy_usb(state: Path, tmp_path: Path, commands: list[str], target_cfg: str = "target/stm32f1x.cfg",
                  before: list[str] | None = None, driver: str = "hla",
                  faults: tuple[str, ...] = ()) -> Run:
    """`ocdpy` with OCDPY_SIM: its USB driver through pyusb to the virtual probe."""
    copy = fresh_copy(state, tmp_path, "ocdpy-usb")
    stats = tmp_path / "ocdpy-usb-stats.json"
    spec = ",".join([CHIP, f"state={copy}", f"probe={INTERFACES[driver][3]}", "deterministic",
                     f"stats={stats}", *(f"fault={f}" for f in faults)])
    args = [sys.executable, "-m", "ocdpy", *_head(driver, None), *_commands(before or []), "-f", target_cfg,
            *_commands(commands), "-c", "shutdown"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=tmp_path,
                          env=_env({"OCDPY_SIM": spec}))
    import json

    data = json.loads(stats.read_text()) if stats.exists() else {}
    return Run(proc.returncode, proc.stderr + proc.stdout, data)


def _with_server(state: Path, tmp_path: Path, tag: str, probe: str, make_args) -> Run:
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    copy = fresh_copy(state, tmp_path, tag)
    hw = SimHardware(SimSpec(chip=CHIP, probe=probe, state=str(copy), deterministic=True))
    with StlinkServer([hw.probe], port=0) as server:
        args, extra = make_args(server.port)
        proc = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, cwd=tmp_path,
                              env=_env(extra))
    return Run(proc.returncode, proc.stderr + proc.stdout, hw.stats_dict())


# -- comparing outputs ---------------------------------------------------------------------------

BANNER = re.compile(r"^(Open On-Chip Debugger .*|Licensed under GNU GPL v2|For bug reports, read|"
                    r"\s+http://openocd.org/doc/doxygen/bugs.html|ocdpy \S+ \(Open On-Chip Debugger .*\))$")
TIMING = re.compile(r" in \d+\.\d+s \(\d+\.\d+ KiB/s\)")
# Lines only one of the programs prints, each with the reason; `known_differences`
# checks that they still differ, so a fixed one is noticed and removed here.
OPENOCD_ONLY: dict[str, str] = {}
TCP_ONLY = ("Info : connected to stlink-server", "Info : stlink-server API v3, version 2.1.1")


def normalise(output: str, tmp_path: Path | None = None) -> list[str]:
    """The lines to compare: banner gone, timings and the run directory replaced."""
    lines = []
    for line in output.splitlines():
        line = line.rstrip()
        if BANNER.match(line) or line.startswith("rc="):
            continue
        line = TIMING.sub(" in <t>s (<r> KiB/s)", line)
        if tmp_path is not None:
            line = line.replace(str(tmp_path), "<tmp>")
        lines.append(line)
    return lines


def drop_known(lines: list[str], over_usb: bool = False) -> list[str]:
    """`lines` without the known one-sided lines (and, for a USB run, the TCP-only ones)."""
    skip = set(OPENOCD_ONLY) | (set(TCP_ONLY) if over_usb else set())
    return [line for line in lines if line not in skip]


def mask_registers(lines: list[str], names: tuple[str, ...]) -> list[str]:
    """Replace the values of `names` in `reg` listing lines (registers the architecture
    leaves UNKNOWN after a reset)."""
    alternatives = "|".join(map(re.escape, names))
    pattern = re.compile(rf"^(\(\d+\) ({alternatives}) \(/\d+\): )0x[0-9a-f]+")
    return [pattern.sub(r"\1<unknown>", line) for line in lines]

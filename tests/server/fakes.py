"""Test doubles for the servers: a Cortex-M-like target, a session with a few commands,
and a ServerHost running on its own thread.

`FakeTarget` implements ocdpy.server.targets.ServerTarget over plain memory: 64 KiB of
flash at 0x08000000 (1 KiB pages, erased to 0xff), 20 KiB of RAM at 0x20000000, the
Cortex-M register set, breakpoints, watchpoints and target events. "Running" is a
counter: after `run_polls` polls a running core halts at the first breakpoint it has
(as if it reached it), or keeps running until halted.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from types import SimpleNamespace

from ocdpy import log
from ocdpy.commands.registry import (
    CommandMode,
    CommandSpec,
    CommandSyntaxError,
    Registry,
    module_specs,
    parse_uint,
)
from ocdpy.errors import FlashError, TargetNotHaltedError, TransferFaultError
from ocdpy.server.gdb.regs import cortex_m_registers
from ocdpy.server.host import ServerHost
from ocdpy.server.settings import ServerSettings
from ocdpy.server.targets import FlashRegion, GdbRegister, NotSupportedError

FLASH_BASE, FLASH_SIZE, PAGE = 0x08000000, 0x10000, 0x400
RAM_BASE, RAM_SIZE = 0x20000000, 0x5000


class FakeTarget:
    architecture = "arm"
    type_name = "cortex_m"

    def __init__(self, name: str = "stm32f1x.cpu", fpu: bool = False, run_polls: int = 2) -> None:
        self.name = name
        self.flash = bytearray(b"\xff" * FLASH_SIZE)
        self.ram = bytearray(RAM_SIZE)
        self.regs = {r.number: 0 for r in cortex_m_registers(fpu)}
        self._reg_list = cortex_m_registers(fpu)
        self.regs[15] = FLASH_BASE + 0x44
        self.regs[13] = self.regs[17] = RAM_BASE + RAM_SIZE
        self.regs[16] = 0x01000000
        self._state = "halted"
        self._reason = "debug-request"
        self.breakpoints: dict[int, tuple[int, bool]] = {}
        self.watchpoints: dict[int, tuple[int, str]] = {}
        self.events: list[str] = []
        self.listeners: list = []
        self.handlers: dict[str, object] = {}
        self.run_polls = run_polls
        self._polls_left = 0
        self.hit: tuple[str, int] | None = None
        self.flash_ops: list[tuple[str, int, int]] = []
        self.lock_checker: threading.RLock | None = None
        self.examined_flag = True
        self.flash_probe_error: str | None = None
        self.resumes = 0

    # -- state ----------------------------------------------------------------------

    def _check_lock(self) -> None:
        if self.lock_checker is not None:
            assert self.lock_checker._is_owned(), "hardware touched without the lock"

    def state(self) -> str:
        return self._state

    def debug_reason(self) -> str:
        return self._reason

    def examined(self) -> bool:
        return self.examined_flag

    def _set_halted(self, reason: str) -> None:
        self._state = "halted"
        self._reason = reason
        log.user(f"[{self.name}] halted due to {reason}, current mode: Thread ")
        log.user(f"xPSR: 0x{self.regs[16]:08x} pc: 0x{self.regs[15]:08x} msp: 0x{self.regs[17]:08x}")
        self.fire_event("halted")

    def poll_quietly(self) -> None:
        self._check_lock()
        if self._state != "running":
            return
        if self._polls_left > 0:
            self._polls_left -= 1
            return
        if self.watchpoints:
            addr, (_length, rw) = next(iter(self.watchpoints.items()))
            self.hit = (rw, addr)
            self._set_halted("watchpoint")
        elif self.breakpoints:
            self.regs[15] = min(self.breakpoints)
            self._set_halted("breakpoint")

    def halt(self) -> None:
        self._check_lock()
        if self._state == "running":
            self._set_halted("debug-request")

    def resume(self, address: int | None = None) -> None:
        self._check_lock()
        if self._state != "halted":
            raise TargetNotHaltedError("Target not halted")
        if address is not None:
            self.regs[15] = address
        self.resumes += 1
        self._state = "running"
        self._reason = "not-halted"
        self._polls_left = self.run_polls
        self.fire_event("resumed")

    def step(self, address: int | None = None) -> None:
        self._check_lock()
        if self._state != "halted":
            raise TargetNotHaltedError("Target not halted")
        if address is not None:
            self.regs[15] = address
        self.regs[15] += 2
        self._reason = "single-step"
        self.fire_event("halted")

    # -- registers and memory ---------------------------------------------------------

    def gdb_registers(self) -> list[GdbRegister]:
        return list(self._reg_list)

    def read_register(self, reg: GdbRegister) -> int:
        self._check_lock()
        return self.regs[reg.number]

    def write_register(self, reg: GdbRegister, value: int) -> None:
        self._check_lock()
        self.regs[reg.number] = value

    def _area(self, address: int, size: int) -> tuple[bytearray, int]:
        if FLASH_BASE <= address and address + size <= FLASH_BASE + FLASH_SIZE:
            return self.flash, address - FLASH_BASE
        if RAM_BASE <= address and address + size <= RAM_BASE + RAM_SIZE:
            return self.ram, address - RAM_BASE
        raise TransferFaultError(f"fault reading 0x{address:08x}", address)

    def read_memory(self, address: int, size: int) -> bytes:
        self._check_lock()
        area, off = self._area(address, size)
        return bytes(area[off:off + size])

    def write_memory(self, address: int, data: bytes) -> None:
        self._check_lock()
        area, off = self._area(address, len(data))
        if area is self.flash:
            raise TransferFaultError(f"flash at 0x{address:08x} is not writable by memory writes", address)
        area[off:off + len(data)] = data

    def checksum_memory(self, address: int, size: int) -> int | None:
        return None

    # -- breakpoints ----------------------------------------------------------------

    def add_breakpoint(self, address: int, length: int, hard: bool) -> None:
        if len(self.breakpoints) >= 6 and address not in self.breakpoints:
            raise TransferFaultError("can't add breakpoint: resource not available")
        self.breakpoints[address] = (length, hard)

    def remove_breakpoint(self, address: int) -> None:
        self.breakpoints.pop(address, None)

    def add_watchpoint(self, address: int, length: int, rw: str) -> None:
        if rw == "r" and length > 4:
            raise NotSupportedError()
        self.watchpoints[address] = (length, rw)

    def remove_watchpoint(self, address: int) -> None:
        self.watchpoints.pop(address, None)

    def hit_watchpoint(self) -> tuple[str, int] | None:
        return self.hit

    def clear_breakpoints_and_watchpoints(self) -> None:
        self.breakpoints.clear()
        self.watchpoints.clear()

    # -- events -------------------------------------------------------------------------

    def fire_event(self, event: str) -> None:
        self.events.append(event)
        handler = self.handlers.get(event)
        if handler is not None:
            handler()
        elif event == "gdb-attach":
            self.halt()  # OpenOCD's default gdb-attach handler: halt 1000
        elif event == "gdb-flash-write-end":
            self.regs[15] = FLASH_BASE + 0x44  # the default: reset halt
            self._state, self._reason = "halted", "debug-request"
        for fn in list(self.listeners):
            fn(self, event)

    def add_event_listener(self, fn) -> None:
        self.listeners.append(fn)

    def remove_event_listener(self, fn) -> None:
        if fn in self.listeners:
            self.listeners.remove(fn)

    # -- flash ----------------------------------------------------------------------------

    def flash_regions(self) -> list[FlashRegion]:
        if self.flash_probe_error:
            raise FlashError(self.flash_probe_error)
        return [FlashRegion("stm32f1x.flash", FLASH_BASE, FLASH_SIZE,
                            [(i * PAGE, PAGE) for i in range(FLASH_SIZE // PAGE)])]

    def flash_erase(self, address: int, length: int) -> None:
        self._check_lock()
        if (address - FLASH_BASE) % PAGE or length % PAGE:
            raise FlashError("flash erase: address range not sector aligned")
        off = address - FLASH_BASE
        self.flash[off:off + length] = b"\xff" * length
        self.flash_ops.append(("erase", address, length))

    def flash_write(self, segments: list[tuple[int, bytes]]) -> None:
        self._check_lock()
        for address, data in segments:
            off = address - FLASH_BASE
            old = self.flash[off:off + len(data)]
            if any(b != 0xFF for b in old):
                raise FlashError(f"flash not erased at 0x{address:08x}")
            self.flash[off:off + len(data)] = data
            self.flash_ops.append(("write", address, len(data)))


# -- a session with the commands the tests type ------------------------------------------


class FakeSession:
    """Interp, registry, ocdpy's core and server commands, and fake target commands."""

    def __init__(self, target: FakeTarget | None = None) -> None:
        from ocdpy.tcl import Interp

        self.interp = Interp()
        self.registry = Registry(self)
        self.help_texts: dict[str, tuple[str, str]] = {}
        self.help_hidden: set[str] = set()
        self.initialized = True
        self.command_mode = CommandMode.EXEC
        self.shutdown_requested = False
        self.shutdown_error = False
        self.targets = [target] if target is not None else []
        self.server_settings = ServerSettings()
        self.config = SimpleNamespace(servers=self.server_settings)
        from ocdpy.commands import connections, core, server  # noqa: F401 - registers their specs

        for module in ("core", "server", "connections"):
            self.registry.add_all(module_specs(f"ocdpy.commands.{module}"))
        for spec in _target_commands(self):
            self.registry.add(spec)
        self.interp.eval("proc ocd_gdb_restart {target_id} { reset halt }")

    def run_command(self, line: str) -> str:
        return self.interp.eval(line)

    def show_usage(self, name: str) -> None:
        for line in self.registry.help_lines(name, show_help=False):
            log.user(line)

    def find_script(self, name: str) -> str | None:
        return None

    def request_shutdown(self, error: bool = False) -> None:
        from ocdpy.session import ShutdownRequested

        log.user("shutdown command invoked")
        self.shutdown_requested = True
        raise ShutdownRequested(error)

    def init(self) -> None:
        pass


def _target_commands(session: FakeSession) -> list[CommandSpec]:
    def target() -> FakeTarget:
        if not session.targets:
            raise CommandSyntaxError("no target")
        return session.targets[0]

    def mdw(ctx, args):
        if not args or len(args) > 2:
            raise CommandSyntaxError()
        addr = parse_uint(args[0], "address")
        count = parse_uint(args[1], "count") if len(args) > 1 else 1
        data = target().read_memory(addr, 4 * count)
        words = [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data), 4)]
        return f"0x{addr:08x}: " + " ".join(f"{w:08x}" for w in words) + " "

    def halt(ctx, args):
        target().halt()

    def resume(ctx, args):
        target().resume(parse_uint(args[0], "address") if args else None)

    def reset(ctx, args):
        t = target()
        t.regs[15] = FLASH_BASE + 0x44
        t._state = "running"
        if args and args[0] == "halt":
            t._set_halted("debug-request")

    def reg(ctx, args):
        t = target()
        names = {r.name: r for r in t.gdb_registers()}
        if not args or args[0] not in names:
            raise CommandSyntaxError()
        r = names[args[0]]
        return f"{r.name} (/{r.bitsize}): 0x{t.read_register(r):08x}"

    def slow(ctx, args):
        time.sleep(float(args[0]) if args else 0.2)

    return [
        CommandSpec("mdw", mdw, usage="['phys'] address [count]", help="display memory words"),
        CommandSpec("halt", halt, help="request target to halt"),
        CommandSpec("resume", resume, usage="[address]", help="resume target execution"),
        CommandSpec("reset", reset, usage="[run|halt|init]", help="Reset all targets"),
        CommandSpec("reg", reg, usage="[name]", help="display a register"),
        CommandSpec("flash banks", lambda c, a: "#0 : stm32f1x.flash", help="list flash banks"),
        CommandSpec("flash erase_address", lambda c, a: "", usage="address length", help="erase"),
        CommandSpec("flash write_image", lambda c, a: "", usage="filename", help="write image"),
        CommandSpec("test_slow", slow, usage="[seconds]", help="sleep holding the hardware lock"),
    ]


# -- a running host -------------------------------------------------------------------------


@contextmanager
def running_host(session: FakeSession, **ports: str):
    """A ServerHost on a thread with every port 0 unless given; yields the host."""
    settings = session.server_settings
    settings.gdb_port = ports.get("gdb", "0")
    settings.telnet_port = ports.get("telnet", "0")
    settings.tcl_port = ports.get("tcl", "0")
    settings.poll_period_ms = int(ports.get("poll_ms", "20"))
    host = ServerHost(session, settings)
    for t in session.targets:
        t.lock_checker = host.lock
    ready = threading.Event()
    thread = threading.Thread(target=host.run, args=(lambda h: ready.set(),), daemon=True)
    thread.start()
    if not ready.wait(10):
        host.request_stop()
        thread.join(5)
        raise RuntimeError(f"servers did not start: {host.start_error}")
    try:
        yield host
    finally:
        host.request_stop()
        thread.join(10)
        assert not thread.is_alive(), "servers did not stop"

"""What each GDB packet does to the target, and the reply it gets.

`GdbSession.handle` runs in the hardware worker with the lock held and returns the
reply packets; the connection sends them. Replies follow OpenOCD 0.12: errors are
`E0E` (EFAULT) for memory and registers, `E05` (EIO) for flash, `E01` for a failed
`monitor` command; unknown packets get an empty reply. Malformed packets that leave
no sensible answer drop the connection, as OpenOCD does, with an `Error:` line that
says which packet. One deliberate difference: `p`/`P` for a register the target does
not have (or a `P` value of the wrong size) logs OpenOCD's error line and answers
`E0E`, where OpenOCD 0.12 drops the connection and so ends the user's GDB session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ocdpy import log
from ocdpy.errors import OcdError
from ocdpy.server.gdb import packets
from ocdpy.server.gdb.queries import QueryPackets
from ocdpy.server.gdb.reply import EFAULT, DropConnection, Reply, answer
from ocdpy.server.gdb.vflash import FlashPackets
from ocdpy.server.targets import GdbRegister, NotSupportedError, ServerTarget

if TYPE_CHECKING:
    from ocdpy.server.host import ServerHost
    from ocdpy.server.service import Service

E_FAULT = f"E{EFAULT:02X}"  # OpenOCD's reply to a failed memory or register access
SIGINT = 0x02
SIGTRAP = 0x05
_SIGNAL_FOR_REASON = {
    "debug-request": SIGINT,
    "breakpoint": SIGTRAP,
    "watchpoint": SIGTRAP,
    "watchpoint-and-breakpoint": SIGTRAP,
    "single-step": SIGTRAP,
    "exception-catch": SIGTRAP,
    "not-halted": 0,
}
# OpenOCD's enum target_debug_reason values of the reasons GDB gets no signal for.
_REASON_NUMBER = {"exit": 6, "undefined": 8}


class GdbSession(QueryPackets, FlashPackets):
    """The protocol state of one GDB connection (used from the worker thread)."""

    def __init__(self, host: ServerHost, target: ServerTarget, service: Service) -> None:
        self.host = host
        self.target = target
        self.service = service
        self.running = False  # GDB waits for a stop reply
        self.output_all = False  # forward log lines as O packets
        self.ctrl_c = False
        self.extended = False
        self.process_attached = True  # cleared by `k` in extended mode
        self.sync = False  # `monitor gdb_sync`: the next step only refreshes GDB
        self.counted = False
        self._tdesc: str | None = None
        self._memory_map: str | None = None
        self._regs: dict[int, GdbRegister] | None = None
        self.vflash: list[tuple[int, bytearray]] = []
        self.vflash_size = 0
        self._handlers: dict[int, Callable[[bytes], Reply]] = {
            ord("?"): self._last_signal_packet,
            ord("g"): self._read_registers,
            ord("G"): self._write_registers,
            ord("p"): self._read_register,
            ord("P"): self._write_register,
            ord("m"): self._read_memory,
            ord("M"): self._write_memory,
            ord("X"): self._write_memory_binary,
            ord("Z"): self._breakpoint,
            ord("z"): self._breakpoint,
            ord("c"): self._step_continue,
            ord("s"): self._step_continue,
            ord("v"): self._v_packet,
            ord("q"): self._query,
            ord("Q"): self._query,
            ord("H"): lambda p: answer("OK"),
            ord("T"): lambda p: answer("E01"),
            ord("D"): self._detach,
            ord("k"): self._kill,
            ord("!"): self._extended,
            ord("R"): self._restart,
        }

    @property
    def settings(self):
        return self.host.settings

    # -- connection life ---------------------------------------------------------------

    def attach(self) -> str | None:
        """A GDB connected: prepare the target. Returns an error text to refuse it."""
        t = self.target
        try:
            t.clear_breakpoints_and_watchpoints()
        except OcdError as e:
            log.debug(f"clearing breakpoints on GDB connect: {e}")
        t.fire_event("gdb-attach")
        if self.settings.gdb_memory_map:
            try:
                t.flash_regions()
            except OcdError as e:
                log.error(e.message)
                return ("Connect failed. Consider setting up a gdb-attach event for the target "
                        "to prepare target for GDB connect, or use 'gdb_memory_map disable'.")
        count = getattr(self.host, "gdb_connection_count", 0) + 1
        self.host.gdb_connection_count = count  # type: ignore[attr-defined]
        self.counted = True
        text = f"New GDB Connection: {count}, Target {t.name}, state: {t.state()}"
        if len(self.host.targets()) > 1:
            log.info(text)
        else:
            log.debug(text)
        if not t.examined():
            self._uncount()
            return f"Target {t.name} not examined yet, refuse gdb connection {count}!"
        if t.state() != "halted":
            log.warning(f"GDB connection {count} on target {t.name} not halted")
        return None

    def _uncount(self) -> None:
        if self.counted:
            self.counted = False
            self.host.gdb_connection_count = getattr(self.host, "gdb_connection_count", 1) - 1

    def detach_events(self) -> None:
        """GDB is gone (detached or vanished): drop its state, run gdb-end/gdb-detach."""
        if not self.counted:
            return
        self._uncount()
        self.vflash = []
        self.vflash_size = 0
        self.running = False
        self.output_all = False
        t = self.target
        log.debug(f"GDB Close, Target: {t.name}, state: {t.state()}, "
                  f"gdb_actual_connections={self.host.gdb_connection_count}")
        t.fire_event("gdb-end")
        t.fire_event("gdb-detach")

    # -- dispatch ----------------------------------------------------------------------

    def handle(self, payload: bytes) -> Reply:
        if not payload:
            return Reply()
        handler = self._handlers.get(payload[0])
        if handler is None:
            log.debug(f"ignoring 0x{payload[0]:02x} packet")
            return answer("")
        try:
            return handler(payload)
        except DropConnection as e:
            log.error(f"{e}, dropping connection")
            return Reply(close=True)
        except (ValueError, IndexError, UnicodeDecodeError):
            log.error(f"malformed GDB packet '{_show(payload)}', dropping connection")
            return Reply(close=True)
        except OcdError as e:
            log.error(e.message)
            return answer(E_FAULT)
        except Exception as e:  # noqa: BLE001 - a bug must cost one reply, not the server
            log.error(f"internal error on GDB packet '{_show(payload)}': {type(e).__name__}: {e} "
                      "(please report it; run with -d4 for the details)")
            from ocdpy.server.host import _traceback_text

            log.debug_io(_traceback_text(e))
            return answer(E_FAULT)

    # -- state and stop replies ----------------------------------------------------------

    def _signal(self) -> int:
        reason = self.target.debug_reason()
        sig = _SIGNAL_FOR_REASON.get(reason)
        if sig is None:
            # OpenOCD prints its enum's number (exit 6, undefined 8).
            number = _REASON_NUMBER.get(reason, _REASON_NUMBER["undefined"])
            log.user(f"undefined debug reason {number} - target needs reset")
            return 0
        return sig

    def _last_signal_packet(self, payload: bytes) -> Reply:
        if not self.process_attached:
            return answer("W00")
        reply = answer(f"S{self._signal():02x}")
        if not self.extended and not getattr(self.host, "warned_extended", False):
            self.host.warned_extended = True  # type: ignore[attr-defined]
            port = self.service.port
            log.warning(f'Prefer GDB command "target extended-remote :{port}" instead of '
                        f'"target remote :{port}"')
        return reply

    def stopreply(self) -> Reply:
        """Answer the pending continue/step: the target has stopped."""
        self.running = False
        self.output_all = False
        t = self.target
        if t.debug_reason() == "exit":
            self.ctrl_c = False
            return answer("W00")
        sig = SIGINT if self.ctrl_c else self._signal()
        reason = ""
        if t.debug_reason() in ("watchpoint", "watchpoint-and-breakpoint"):
            hit = t.hit_watchpoint()
            if hit is not None:
                kind = {"w": "watch", "r": "rwatch", "a": "awatch"}.get(hit[0], "")
                if kind:
                    reason = f"{kind}:{hit[1]:08x};"
        self.ctrl_c = False
        t.fire_event("gdb-end")
        return answer(f"T{sig:02x}{reason}")

    def stop_reply_if_halted(self) -> Reply:
        if not self.running:
            return Reply()
        t = self.target
        t.poll_quietly()
        if t.state() in ("running", "debug-running"):
            return Reply()
        return self.stopreply()

    def interrupt(self) -> Reply:
        """GDB's Ctrl-C."""
        t = self.target
        if t.state() == "running":
            try:
                t.halt()
                t.poll_quietly()
            except OcdError as e:
                log.error(e.message)
                if self.running:
                    return self.stopreply()
                return Reply()
            if self.running and t.state() != "running":
                return self.stopreply()
            return Reply()
        log.info("The target is not running when halt was requested, stopping GDB.")
        if self.running:
            return self.stopreply()
        self.ctrl_c = False
        return Reply()

    # -- registers ------------------------------------------------------------------------

    def registers(self) -> dict[int, GdbRegister]:
        if self._regs is None:
            self._regs = {r.number: r for r in self.target.gdb_registers()}
        return self._regs

    def _general(self) -> list[GdbRegister]:
        return [r for r in sorted(self.registers().values(), key=lambda r: r.number)
                if r.general and not r.hidden]

    def _value_hex(self, reg: GdbRegister) -> bytes:
        try:
            value = self.target.read_register(reg)
        except OcdError:
            if self.settings.gdb_report_register_access_error:
                raise
            return b"xx" * reg.nbytes  # GDB shows <unavailable>
        return (value & ((1 << (8 * reg.nbytes)) - 1)).to_bytes(reg.nbytes, "little").hex().encode()

    def _read_registers(self, payload: bytes) -> Reply:
        return answer(b"".join(self._value_hex(r) for r in self._general()))

    def _write_registers(self, payload: bytes) -> Reply:
        body = payload[1:]
        if len(body) % 2:
            raise DropConnection("GDB set_registers packet with uneven characters received")
        pos = 0
        for reg in self._general():
            chars = reg.nbytes * 2
            if pos + chars > len(body):
                break
            value = int.from_bytes(bytes.fromhex(body[pos:pos + chars].decode()), "little")
            self._write_reg(reg, value)
            pos += chars
        return answer("OK")

    def _write_reg(self, reg: GdbRegister, value: int) -> None:
        try:
            self.target.write_register(reg, value)
        except OcdError:
            if self.settings.gdb_report_register_access_error:
                raise
            log.debug(f"Couldn't set register {reg.name}.")

    def _lookup(self, number: int) -> GdbRegister | None:
        reg = self.registers().get(number)
        if reg is None or reg.hidden:
            log.error(f"gdb requested a non-existing register (reg_num={number})")
            return None
        return reg

    def _read_register(self, payload: bytes) -> Reply:
        reg = self._lookup(int(payload[1:], 16))
        if reg is None:
            return answer(E_FAULT)
        return answer(self._value_hex(reg))

    def _write_register(self, payload: bytes) -> Reply:
        num, sep, value = payload[1:].partition(b"=")
        if not sep:
            raise DropConnection("GDB 'set register packet', but no '=' following the register number")
        reg = self._lookup(int(num, 16))
        if reg is None:
            return answer(E_FAULT)
        if len(value) != reg.nbytes * 2:
            log.error(f"gdb sent {len(value) * 4} bits for a {reg.bitsize}-bit register ({reg.name})")
            return answer(E_FAULT)
        self._write_reg(reg, int.from_bytes(bytes.fromhex(value.decode()), "little"))
        return answer("OK")

    # -- memory -----------------------------------------------------------------------------

    @staticmethod
    def _addr_len(text: bytes, what: str) -> tuple[int, int]:
        addr, sep, length = text.partition(b",")
        if not sep:
            raise DropConnection(f"incomplete {what} packet received")
        return int(addr, 16), int(length, 16)

    def _read_memory(self, payload: bytes) -> Reply:
        addr, length = self._addr_len(payload[1:], "read memory")
        if length == 0:
            log.warning("invalid read memory packet received (len == 0)")
            return answer("")
        # The reply must fit GDB's packet; GDB accepts a shorter answer and asks again.
        length = min(length, packets.PACKET_SIZE // 2)
        try:
            data = self.target.read_memory(addr, length)
        except OcdError as e:
            if self.settings.gdb_report_data_abort:
                log.debug(f"memory read at 0x{addr:08x} failed: {e.message}")
                return answer(E_FAULT)
            # OpenOCD answers zeros so GDB's stack traces over unreadable memory go on.
            data = bytes(length)
        return answer(packets.hexify(data))

    def _write_head(self, payload: bytes, what: str) -> tuple[int, int, bytes]:
        """addr,length:data of an M or X packet."""
        head, sep, data = payload[1:].partition(b":")
        if not sep:
            raise DropConnection(f"incomplete {what} packet received")
        addr, length = self._addr_len(head, what)
        return addr, length, data

    def _write_memory(self, payload: bytes) -> Reply:
        addr, length, hexdata = self._write_head(payload, "write memory")
        data = bytes.fromhex(hexdata.decode())
        if len(data) != length:
            log.error("unable to decode memory packet")
            data = data[:length]
        return self._write(addr, data)

    def _write_memory_binary(self, payload: bytes) -> Reply:
        addr, length, data = self._write_head(payload, "write memory binary")
        if length == 0:
            return answer("OK")  # GDB probing for X support
        return self._write(addr, data[:length])

    def _write(self, addr: int, data: bytes) -> Reply:
        try:
            self.target.write_memory(addr, data)
        except OcdError as e:
            log.debug(f"memory write at 0x{addr:08x} failed: {e.message}")
            return answer(E_FAULT)
        return answer("OK")

    # -- breakpoints and watchpoints -------------------------------------------------------

    def _breakpoint(self, payload: bytes) -> Reply:
        insert = payload[:1] == b"Z"
        fields = payload[1:].split(b",")
        if len(fields) < 3:
            raise DropConnection("incomplete breakpoint/watchpoint packet received")
        kind_type = int(fields[0], 16)
        addr = int(fields[1], 16)
        size = int(fields[2].split(b";")[0], 16)
        t = self.target
        if kind_type in (0, 1):
            hard = kind_type == 1
            override = self.settings.gdb_breakpoint_override
            if override in ("hard", "soft"):
                hard = override == "hard"
            what = "breakpoint"
            add, remove = partial(t.add_breakpoint, addr, size, hard), partial(t.remove_breakpoint, addr)
        elif kind_type in (2, 3, 4):
            rw = {2: "w", 3: "r", 4: "a"}[kind_type]
            what = "watchpoint"
            add, remove = partial(t.add_watchpoint, addr, size, rw), partial(t.remove_watchpoint, addr)
        else:
            log.error(f"invalid gdb watch/breakpoint type({kind_type})")
            return answer("")
        if not insert:
            try:
                remove()
            except OcdError as e:
                log.debug(f"removing {what} at 0x{addr:08x}: {e.message}")
            return answer("OK")
        try:
            add()
        except NotSupportedError:
            return answer("")
        except OcdError as e:
            log.error(e.message)
            return answer(E_FAULT)
        return answer("OK")

    # -- run control -----------------------------------------------------------------------

    def _step_continue(self, payload: bytes) -> Reply:
        kind = payload[:1]
        address = int(payload[1:], 16) if len(payload) > 1 else None
        t = self.target
        self.output_all = True
        state = t.state()
        already_running = nostep = False
        if state == "running":
            log.warning("WARNING! The target is already running. All changes GDB did to registers "
                        "will be discarded! Waiting for target to halt.")
            already_running = True
        elif state != "halted":
            log.warning("The target is not in the halted nor running stated, stepi/continue ignored.")
            nostep = True
        elif kind == b"s" and self.sync:
            nostep = True
            log.debug("stepi ignored. GDB will now fetch the register state from the target.")
        self.sync = False
        if nostep and not already_running:
            self.output_all = False
            return answer(f"T{SIGINT:02x}")
        self.running = True
        t.fire_event("gdb-start")
        if not already_running:
            try:
                if kind == b"c":
                    t.resume(address)
                else:
                    t.step(address)
            except OcdError as e:
                log.error(e.message)
                return self.stopreply()
        return Reply(check_stop=True)

    def _vcont(self, body: bytes) -> Reply:
        t = self.target
        if body[:1] == b"?":
            return answer("vCont;c;C;s;S")
        if body[:1] == b";":
            body = body[1:]
        action = body[:1]
        if action in (b"c", b"C"):
            self.output_all = True
            try:
                t.resume(None)
            except OcdError as e:
                log.info(f"target {t.name} was not halted when resume was requested"
                         if t.state() != "halted" else e.message)
                t.poll_quietly()
            self.running = True
            t.fire_event("gdb-start")
            return Reply(check_stop=True)
        if action in (b"s", b"S"):
            self.output_all = True
            t.fire_event("gdb-start")
            if self.sync:
                self.sync = False
                if t.state() == "halted":
                    log.debug("stepi ignored. GDB will now fetch the register state from the target.")
                    self.output_all = False
                    return answer(f"T{SIGINT:02x}")
                self.running = True
                return Reply(check_stop=True)
            try:
                t.step(None)
            except OcdError as e:
                if t.state() != "halted":
                    log.info(f"target {t.name} was not halted when step was requested")
                else:
                    log.error(e.message)
                self.running = True
                return Reply(check_stop=True)
            t.poll_quietly()
            return self.stopreply()
        log.error("Unknown vCont packet")
        return answer("")

    def _detach(self, payload: bytes) -> Reply:
        # GDB's detach lets the program run (GDB removed its breakpoints first). OpenOCD
        # 0.12 leaves the core halted unless a gdb-detach handler resumes it; ocdpy
        # follows GDB here (docs/servers.md).
        t = self.target
        if t.state() == "halted":
            try:
                t.resume(None)
            except OcdError as e:
                log.warning(f"could not resume {t.name} after GDB detached: {e.message}")
        self.running = False
        return answer("OK")

    def _kill(self, payload: bytes) -> Reply:
        if self.extended:
            self.process_attached = False
            return Reply()
        return answer("OK", close=True)

    def _extended(self, payload: bytes) -> Reply:
        self.extended = True
        return answer("OK")

    def _restart(self, payload: bytes) -> Reply:
        self._restart_inferior()
        return Reply()

    def _restart_inferior(self) -> None:
        t = self.target
        t.clear_breakpoints_and_watchpoints()
        outcome = self.host.execute(f"ocd_gdb_restart {t.name}")
        if outcome.error:
            log.user(outcome.text)
        self.process_attached = True

    # -- v packets: vCont, vRun, vFlash* -------------------------------------------------------

    def _v_packet(self, payload: bytes) -> Reply:
        if payload.startswith(b"vCont"):
            return self._vcont(payload[5:])
        if payload.startswith(b"vRun"):
            if payload[4:5] != b";":
                return answer("")
            self._restart_inferior()
            return answer("S00")
        if not payload.startswith(b"vFlash"):
            return answer("")
        if not self.settings.gdb_flash_program:
            return answer("")
        if payload.startswith(b"vFlashErase:"):
            return self._flash_erase(payload[12:])
        if payload.startswith(b"vFlashWrite:"):
            return self._flash_write(payload[12:])
        if payload.startswith(b"vFlashDone"):
            return self._flash_done()
        return answer("")

def _show(payload: bytes) -> str:
    text = payload[:40].decode("ascii", "replace")
    return text + ("..." if len(payload) > 40 else "")

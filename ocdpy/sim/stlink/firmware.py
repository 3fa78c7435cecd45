"""The virtual ST-Link firmware: USB bulk transfers in, command decoding, replies out.

`SimStlink` is one probe attached to one `SimTarget`. Hosts reach it through
`bulk_out()` / `bulk_in()` (the pyusb backend and the ST-LINK server both do), the
same way a driver talks to the real probe: a 16-byte command block on the OUT
endpoint, an optional data phase on the same endpoint, a reply on the IN endpoint.

Behaviour that matters to drivers and is modeled:
  - replies have the lengths and status byte positions real firmware uses; a reply
    not read stays queued and is what the next read returns (stale-reply desync);
  - a read shorter than the pending reply overflows unless it is a whole number of
    packets, as on the bus; a read with nothing pending times out;
  - commands newer than the configured firmware release are unknown to it
    (debug sub-commands answer status 0x42, unknown top-level commands get no
    reply, so the host's read times out);
  - target-access commands before SWD is entered answer NO_DEVICE_CONNECTED (0x05);
  - memory commands report through GETLASTRWSTATUS(2), with the fault address.
Every command charges the timing model (`timing.py`) to the target's clock.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from ocdpy.sim.port import SimStats, SimTarget

from . import protocol as P
from .descriptors import Descriptors
from .faults import ProbeFaults
from .handlers import DEBUG, TOP, Command, not_connected_reply, status2, u16, u32
from .kinds import ProbeKind, probe_kind
from .swd import Outcome, SwdEngine
from .timing import command_cost
from .usberror import (
    LIBUSB_ERROR_IO,
    LIBUSB_ERROR_NO_DEVICE,
    LIBUSB_ERROR_OVERFLOW,
    LIBUSB_ERROR_PIPE,
    LIBUSB_ERROR_TIMEOUT,
    SimUsbError,
)
from .version import FirmwareVersion

IDLE_STEP_MAX_S = 0.5  # wall-clock idle time credited to the target per gap, at most
MAX_QUEUED_REPLIES = 4  # beyond this the firmware stops taking commands (OUT times out)


class SimStlink:
    """One virtual ST-Link probe (firmware + USB endpoints) wired to a target."""

    def __init__(
        self,
        target: SimTarget,
        kind: ProbeKind | str = "stlink-v2",
        fw: FirmwareVersion | str | None = None,
        serial: str | None = None,
        faults: ProbeFaults | None = None,
        deterministic: bool = False,
        serial_quirk: bool | None = None,
    ) -> None:
        from ocdpy.errors import ConfigError

        self.target = target
        self.kind = probe_kind(kind) if isinstance(kind, str) else kind
        if fw is None:
            fw = self.kind.default_fw
        self.fw = FirmwareVersion.parse(fw) if isinstance(fw, str) else fw
        if self.fw.hw != self.kind.hw:
            raise ConfigError(
                f"firmware {self.fw} is for an ST-Link V{self.fw.hw}, but the probe is a {self.kind.name}"
            )
        self.descriptors = Descriptors.build(self.kind, serial or self.kind.default_serial, serial_quirk)
        self.faults = faults or ProbeFaults()
        self.deterministic = deterministic
        self.lock = threading.RLock()
        self.present = True
        self.swd = SwdEngine(target)
        # firmware state
        self.mode = P.MODE_DFU if self.kind.name == "stlink-v2" else P.MODE_MASS
        self.swd_khz: float = (
            P.V3_DEFAULT_SWD_KHZ if self.kind.hw >= 3 else P.SWD_DIVISOR_KHZ[P.DEFAULT_SWD_DIVISOR]
        )
        self.jtag_khz: float = 1125.0 if self.kind.hw == 2 else float(P.V3_JTAG_KHZ[-1])
        self.open_aps: set[int] = set()
        self.last_rw = Outcome()
        self.trace_enabled = False
        self.misc_results = b""
        self.nrst_asserted = False
        # USB state
        self._replies: deque[bytes] = deque()
        self._pending: tuple[Command, bytes, int] | None = None
        self._data = bytearray()
        self.usb_transfers = 0
        self.commands = 0
        self._last_wall = time.monotonic()

    # == USB side =====================================================================

    @property
    def serial(self) -> str:
        return self.descriptors.serial

    @property
    def stats(self) -> SimStats:  # the target's: probe counters sit next to the chip's
        return self.target.stats

    def _count_transfer(self) -> None:
        if not self.present:
            raise SimUsbError(LIBUSB_ERROR_NO_DEVICE)
        self.usb_transfers += 1
        if self.faults.usb_error_after is not None and self.usb_transfers == self.faults.usb_error_after:
            self.stats.count("usb_errors")
            raise SimUsbError(LIBUSB_ERROR_IO)

    def bulk_out(self, ep: int, data: bytes) -> int:
        """A bulk OUT transfer from the host; returns the bytes accepted."""
        with self.lock:
            if self._pending is None and self.faults.unplug_after is not None and (
                self.commands >= self.faults.unplug_after
            ):
                self.present = False
            self._count_transfer()
            if ep != self.kind.ep_out:
                if any(e.address == ep for i in self.kind.interfaces() for e in i.endpoints):
                    return len(data)  # MSD/VCP/bridge endpoints: accepted, not modeled
                raise SimUsbError(LIBUSB_ERROR_PIPE)
            self.stats.count("bytes_out", len(data))
            if self._pending is not None:
                self._data += data
                self._maybe_finish_data_phase()
                return len(data)
            if len(self._replies) >= MAX_QUEUED_REPLIES:
                raise SimUsbError(LIBUSB_ERROR_TIMEOUT)
            block = bytes(data[: P.CMD_SIZE]).ljust(P.CMD_SIZE, b"\0")
            self._start_command(block, bytes(data[P.CMD_SIZE :]))
            return len(data)

    def bulk_in(self, ep: int, size: int) -> bytes:
        """A bulk IN transfer of up to `size` bytes."""
        with self.lock:
            self._count_transfer()
            if ep != self.kind.ep_in or not self._replies:
                # nothing to send (trace and other endpoints never have data here)
                raise SimUsbError(LIBUSB_ERROR_TIMEOUT)
            reply = self._replies[0]
            if size >= len(reply):
                self._replies.popleft()
                data = reply
            elif size % self.kind.max_packet == 0:
                data, self._replies[0] = reply[:size], reply[size:]
            else:
                self._replies.popleft()
                raise SimUsbError(LIBUSB_ERROR_OVERFLOW)
            self.stats.count("bytes_in", len(data))
            return data

    def transact(self, block: bytes, data_out: bytes, read_size: int, read_ep: int | None = None) -> bytes:
        """One host command as the ST-LINK server relays it: command block, optional
        data phase, optional reply of `read_size` bytes (padded to that size)."""
        with self.lock:
            try:
                self.bulk_out(self.kind.ep_out, block)
                if data_out:
                    self.bulk_out(self.kind.ep_out, data_out)
                if read_size <= 0:
                    return b""
                data = self.bulk_in(self.kind.ep_in if read_ep is None else read_ep, read_size)
            except SimUsbError:
                # The server owns the USB link: after a failed transfer it leaves the
                # probe between commands, so the client's next command starts clean.
                self._abandon_command()
                raise
            return data.ljust(read_size, b"\0")

    def _abandon_command(self) -> None:
        self._pending = None
        self._data = bytearray()
        self._replies.clear()

    def unplug(self) -> None:
        with self.lock:
            self.present = False

    def tick(self) -> None:
        """Credit the wall-clock time since the last command to the target (idle ticker)."""
        with self.lock:
            self._idle_sync()

    def _idle_sync(self) -> None:
        if not self.deterministic:
            gap = time.monotonic() - self._last_wall
            if gap > 0:
                self.target.advance(min(gap, IDLE_STEP_MAX_S))
        # measured after the advance: a chip slower than real time falls behind
        # instead of making every idle tick longer than the last
        self._last_wall = time.monotonic()

    # == command execution ============================================================

    def _lookup(self, block: bytes) -> Command | None:
        top = block[0]
        if top == P.DEBUG_COMMAND:
            cmd = DEBUG.get(block[1])
        elif top in (P.DFU_COMMAND, P.SWIM_COMMAND):
            cmd = TOP.get((top, block[1]))
        else:
            cmd = TOP.get(top)
        if cmd is None:
            return None
        if cmd.feature and not getattr(self.fw, cmd.feature):
            return None
        return cmd

    def _start_command(self, block: bytes, extra: bytes) -> None:
        self._idle_sync()
        self.commands += 1
        self.stats.count("probe_commands")
        cmd = self._lookup(block)
        if cmd is None:
            if block[0] == P.DEBUG_COMMAND:
                self._finish(status2(P.UNKNOWN_CMD), 0)
            else:
                self._finish(None, 0)  # unknown to the firmware: no reply
            return
        length = cmd.data_len(block) if cmd.data_len else 0
        if length > 0:
            self._pending = (cmd, block, length)
            self._data = bytearray(extra)
            self._maybe_finish_data_phase()
            return
        self._run(cmd, block, b"")

    def _maybe_finish_data_phase(self) -> None:
        assert self._pending is not None
        cmd, block, length = self._pending
        if len(self._data) < length:
            return
        data = bytes(self._data[:length])
        self._pending = None
        self._data = bytearray()
        self._run(cmd, block, data)

    def _run(self, cmd: Command, block: bytes, data: bytes) -> None:
        if cmd.target_access and self.mode != P.MODE_DEBUG:
            reply = not_connected_reply(self, cmd, block)
        else:
            reply = cmd.handler(self, block, data)
        self._finish(reply, len(data))

    def _finish(self, reply: bytes | None, data_len: int) -> None:
        if reply is not None:
            self._replies.append(reply)
        moved = P.CMD_SIZE + data_len + (len(reply) if reply else 0)
        swd = self.swd.take_transfers()
        if swd:
            self.stats.count("swd_transfers", swd)
        self.target.advance(command_cost(self.kind, moved, swd, self.swd_khz))
        self._last_wall = time.monotonic()

    # -- helpers for handlers ---------------------------------------------------------

    def ap_usable(self, ap: int) -> bool:
        return ap == 0 or not self.fw.has_ap_init or ap in self.open_aps

    def mem_args(self, block: bytes) -> tuple[int, int, int]:
        addr, length = u32(block, 2), u16(block, 6)
        ap = block[8] if self.fw.has_dpbanksel else 0
        return addr, length, ap

    def record_rw(self, outcome: Outcome) -> None:
        self.last_rw = outcome



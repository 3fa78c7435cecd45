"""One GDB client: packets in, replies out, the target's run state in between.

Each packet is handled in the hardware worker (`GdbSession.handle`, see
ocdpy.server.gdb.handlers) and its replies are sent from the event loop. After a
continue the connection stays readable: GDB's Ctrl-C halts the target, and the
halt (noticed by the poller, or reported by the target's `halted` event) answers the
continue with a stop reply. Log lines reach GDB as `O` packets while a `monitor`
command runs or the target runs, as OpenOCD sends them. A GDB that vanishes without
detaching leaves the target as it was and releases the connection.
"""

from __future__ import annotations

import asyncio

from ocdpy import log
from ocdpy.server.gdb import packets
from ocdpy.server.gdb.handlers import GdbSession, Reply
from ocdpy.server.service import Connection

KEEP_ALIVE_S = 1.0


class GdbConnection(Connection):
    def __init__(self, service, reader, writer, target) -> None:
        super().__init__(service, reader, writer)
        self.target = target
        self.gdb = GdbSession(self.host, target, service)
        self.reader_ = packets.PacketReader()
        self.noack = False
        self._last_sent: bytes | None = None
        self._stop_task: asyncio.Task | None = None
        self.attached = False

    async def serve(self) -> None:
        self.send(b"+")  # OpenOCD acks GDB's connection first
        error = await self.host.call(self.gdb.attach, connection=self)
        if error:
            log.error(error)
            return
        self.attached = True
        try:
            while not self.closed:
                data = await self.read()
                if not data:
                    break
                for event in self.reader_.feed(data):
                    await self._on_event(event)
                    if self.closed:
                        break
        finally:
            self.attached = False
            # Closed first, so the next GDB is accepted; its attach runs after these
            # events (one worker, in order). Whether GDB detached or vanished, the
            # gdb-end/gdb-detach events run and the target stays as it is.
            self.close()
            await self.host.call(self.gdb.detach_events, connection=self)

    async def _on_event(self, event: packets.Event) -> None:
        kind = event.kind
        if kind == packets.PACKET:
            if not self.noack:
                self.send(b"+")
            await self._on_packet(event.data)
        elif kind == packets.INTERRUPT:
            await self._on_interrupt()
        elif kind == packets.NAK:
            if self._last_sent is not None and not self.noack:
                log.warning("negative reply, retrying")
                self.send(self._last_sent)
        elif kind == packets.BAD_CHECKSUM:
            if self.noack:
                # GDB does not resend without acks; treat it as received, as OpenOCD does.
                await self._on_packet(packets.unescape(event.data))
            else:
                self.send(b"-")
        elif kind == packets.TOO_LONG:
            log.error(f"GDB packet longer than {packets.PACKET_SIZE} bytes; dropping the connection")
            self.abort()

    async def _on_packet(self, payload: bytes) -> None:
        if log.get_level() >= log.DEBUG:
            log.debug(f"[{self.target.name}] received packet: {_printable(payload)}")
        gdb = self.gdb
        monitor = payload[:6] == b"qRcmd,"
        keepalive = None
        if monitor:
            gdb.output_all = True
            keepalive = asyncio.ensure_future(self._keep_alive())
        try:
            reply: Reply = await self.host.call(gdb.handle, payload, connection=self)
        finally:
            if monitor:
                keepalive.cancel()
                gdb.output_all = gdb.running
        for item in reply.packets:
            self.send_packet(item, binary=reply.binary)
        if reply.noack:
            self.noack = True
        if reply.shutdown:
            self.host.request_stop()
        if reply.close:
            self.close()
        if reply.check_stop:
            self._watch_for_stop()

    async def _keep_alive(self) -> None:
        # GDB gives up on a reply after `remotetimeout` (2 s); an empty output packet
        # every second tells it a long monitor command is still running, as OpenOCD does.
        while not self.closed:
            await asyncio.sleep(KEEP_ALIVE_S)
            self.send_packet(b"O")

    def send_packet(self, payload: bytes, binary: bool = False) -> None:
        if log.get_level() >= log.DEBUG:
            log.debug(f"[{self.target.name}] sending packet: {_printable(payload)}")
        data = packets.frame(payload, binary)
        self._last_sent = data
        self.send(data)

    # -- running and stopping ----------------------------------------------------------

    async def _on_interrupt(self) -> None:
        self.gdb.ctrl_c = True
        reply: Reply = await self.host.call(self.gdb.interrupt, connection=self)
        for item in reply.packets:
            self.send_packet(item)

    def _watch_for_stop(self) -> None:
        """The target may already have halted (a breakpoint right away): ask now."""
        self._report_stop_soon()

    def on_target_event(self, target: object, event: str, state: str) -> None:
        if target is not self.target or not self.gdb.running:
            return
        if event in ("halted", "gdb-halt"):
            self._report_stop_soon()

    def on_target_state(self, target: object, state: str) -> None:
        if target is self.target and self.gdb.running and state != "running":
            self._report_stop_soon()

    def _report_stop_soon(self) -> None:
        if self._stop_task is not None and not self._stop_task.done():
            return
        self._stop_task = asyncio.ensure_future(self._report_stop())

    async def _report_stop(self) -> None:
        if self.closed or not self.gdb.running:
            return
        try:
            reply: Reply = await self.host.call(self.gdb.stop_reply_if_halted, connection=self)
        except RuntimeError:
            return  # the servers are shutting down
        for item in reply.packets:
            self.send_packet(item)

    def on_log(self, level: int, text: str) -> None:
        if not self.attached or not self.gdb.output_all or self.closed:
            return
        self.send_packet(b"O" + packets.hexify((text + "\n").encode("utf-8", "replace")))


def _printable(payload: bytes) -> str:
    """A packet for the debug log (OpenOCD logs binary ones by their length)."""
    if any(b < 0x20 or b > 0x7E for b in payload):
        head = payload.split(b":", 1)[0][:40].decode("ascii", "replace")
        return f"{head}:<binary-data-{len(payload)}-bytes>"
    text = payload.decode("ascii")
    return text if len(text) <= 200 else text[:200] + "..."

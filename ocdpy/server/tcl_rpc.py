"""The Tcl RPC server (port 6666): a command ends with 0x1a, so does its reply.

The reply is the command's Tcl result, or its error message: OpenOCD 0.12 returns
both the same way, and echoes both to its log as plain lines (an empty result is not
echoed). With `tcl_notifications on` the client also receives target events
and state changes as `type target_event event halted\\r\\n\\x1a` lines, and with
`tcl_trace on` trace data as `type target_trace data <hex>\\r\\n\\x1a`. A command longer
than 4 MiB is answered with "line too long" and discarded.
"""

from __future__ import annotations

from ocdpy.server.service import Connection

TERMINATOR = b"\x1a"
LINE_MAX = 4 * 1024 * 1024  # OpenOCD's TCL_LINE_MAX


class TclRpcConnection(Connection):
    def __init__(self, service, reader, writer) -> None:
        super().__init__(service, reader, writer)
        self.notify = False
        self.trace = False
        self._last_state: dict[int, str] = {}
        self._line = bytearray()
        self._dropping = False

    async def serve(self) -> None:
        for target in self._targets():
            self._last_state[id(target)] = _state_of(target)
        while not self.closed:
            data = await self.read()
            if not data:
                return
            start = 0
            while not self.closed:
                end = data.find(TERMINATOR, start)
                if end < 0:
                    self._take(data[start:])
                    break
                self._take(data[start:end])
                start = end + 1
                await self._complete_line()

    def _take(self, part: bytes) -> None:
        if self._dropping:
            return
        if len(self._line) + len(part) > LINE_MAX:
            self._dropping = True
            self._line.clear()
            return
        self._line += part

    async def _complete_line(self) -> None:
        line, self._line = bytes(self._line), bytearray()
        if self._dropping:
            self._dropping = False
            # OpenOCD sends this (with the C string's NUL) and no 0x1a.
            self.send(b"line too long\n\x00")
            return
        outcome = await self.host.run_command(self, line.decode("utf-8", "replace"))
        if outcome.error or outcome.text:
            from ocdpy import log

            # OpenOCD's command_run_line logs a failed command's message, and a result
            # that is not empty through the output handler of its Tcl connections, which
            # is the log's plain user output: both reach stderr and every console.
            log.user(outcome.text)
        self.send(outcome.text.encode("utf-8", "replace") + TERMINATOR)
        if outcome.close:
            self.close()

    def _targets(self) -> list:
        try:
            return self.host.targets() if not self.host.stopping else []
        except Exception:  # noqa: BLE001 - no targets yet
            return []

    def on_target_event(self, target: object, event: str, state: str) -> None:
        if self.notify:
            self.send(f"type target_event event {event}\r\n".encode() + TERMINATOR)
        if self._last_state.get(id(target)) != state:
            self._last_state[id(target)] = state
            if self.notify:
                self.send(f"type target_state state {state}\r\n".encode() + TERMINATOR)

    def on_target_reset(self, target: object, mode: str) -> None:
        if self.notify:
            self.send(f"type target_reset mode {mode}\r\n".encode() + TERMINATOR)

    def on_target_trace(self, target: object, data: bytes) -> None:
        if self.trace:
            self.send(b"type target_trace data " + data.hex().encode() + b"\r\n" + TERMINATOR)


def _state_of(target: object) -> str:
    try:
        return target.state()
    except Exception:  # noqa: BLE001 - a target not yet usable
        return "unknown"

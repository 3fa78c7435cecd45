"""The telnet console (port 4444): OpenOCD's banner, "> " prompt and command output.

A telnet client that announces its terminal type gets a prompt_toolkit line editor
(`ocdpy.server.telnet_rich`): cursor keys, history, Ctrl-R search, readline-style
tab completion of commands and sub-commands. A client that does not negotiate (`nc`,
scripts that read up to "> ") gets OpenOCD's own byte stream (`telnet_plain`): the
echo, "\\r\\n" line ends and prompts it sends, so existing scripts keep working.

Either way a line runs as on OpenOCD's console: its result is printed, a failure is
printed to every console and the log (OpenOCD broadcasts errors), log lines of the
session appear on every console, `exit` closes the console and `shutdown` stops the
servers. Input is bounded: characters past 64 KiB in one line are dropped, and
reading stops while too much typed input waits. History carries over between
consoles and sessions in ~/.openocd_history, as OpenOCD keeps it (telnet_history).
"""

from __future__ import annotations

import asyncio

from ocdpy import log
from ocdpy.server import telnet_history
from ocdpy.server.host import TELNET_BANNER
from ocdpy.server.service import Connection
from ocdpy.server.telnet_history import HISTORY_LINE_MAX, HISTORY_MAX
from ocdpy.server.telnet_protocol import NEGOTIATION, TelnetParser

__all__ = ["HISTORY_LINE_MAX", "HISTORY_MAX", "LINE_MAX", "TelnetConnection"]

LINE_MAX = 64 * 1024
# How long to wait for a telnet client's terminal type before serving a plain client.
NEGOTIATE_QUIET = 0.3
NEGOTIATE_MAX = 2.0


class TelnetConnection(Connection):
    def __init__(self, service, reader, writer) -> None:
        super().__init__(service, reader, writer)
        self.parser = TelnetParser()
        self.history: list[str] = []
        self._history_loaded = False  # save only what was loaded and added to
        self.console = None  # RichConsole or PlainConsole

    async def serve(self) -> None:
        self.send(NEGOTIATION)
        # As OpenOCD: the history of earlier consoles (~/.openocd_history) is there from
        # the start, and this console's is written back when it closes.
        self.history = telnet_history.load()
        self._history_loaded = True
        early = await self._negotiate()
        if early is None:
            return
        if self.parser.ttype is not None:
            from ocdpy.server.telnet_rich import RichConsole

            self.console = RichConsole(self, self.parser.ttype)
        else:
            from ocdpy.server.telnet_plain import PlainConsole

            self.console = PlainConsole(self)
        self.write_text(TELNET_BANNER + "\n")
        await self.console.run(early)

    async def _negotiate(self) -> bytes | None:
        """Wait briefly for TTYPE; returns plain bytes the client already typed."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        typed = bytearray()
        while self.parser.ttype is None and not typed:
            elapsed = loop.time() - start
            limit = NEGOTIATE_MAX if self.parser.saw_telnet else NEGOTIATE_QUIET
            if self.parser.refused_ttype or elapsed >= limit:
                break
            try:
                data = await asyncio.wait_for(self.read(), limit - elapsed)
            except TimeoutError:
                break
            if not data:
                return None
            typed += self.parser.feed(data)
        return bytes(typed)

    async def read_plain(self) -> bytes | None:
        """The next plain input bytes (None at end of input)."""
        while True:
            data = await self.read()
            if not data:
                return None
            plain = self.parser.feed(data)
            if plain:
                return plain
            if self.console is not None:
                self.console.on_negotiation()

    def write_text(self, text: str) -> None:
        """Text to the client with telnet line ends."""
        self.send(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "replace"))

    # -- commands -------------------------------------------------------------------------

    def add_history(self, line: str) -> None:
        # OpenOCD keeps non-blank lines that differ from the previous one (and its lines
        # are at most 2560 characters; longer ones are not worth keeping).
        if len(line) > HISTORY_LINE_MAX:
            return
        if line.strip() and (not self.history or self.history[-1] != line):
            self.history.append(line)
            del self.history[:-HISTORY_MAX]

    async def run_line(self, line: str) -> bool:
        """Run a console line; False when the console must close."""
        if line.strip() == "history":
            # OpenOCD ends each listed line with "\r\n\0", as after an entered line
            self.send(b"".join(h.encode("utf-8", "replace") + b"\r\n\x00" for h in self.history))
            return True
        if line == "shutdown":
            telnet_history.save(self.history)  # OpenOCD saves before it goes down
        outcome = await self.host.run_command(self, line)
        if outcome.error:
            log.user(outcome.text)  # every console and the log see it, as in OpenOCD
        elif outcome.text:
            self.write_text(outcome.text + "\n")
        return not outcome.close and not self.closed

    def on_log(self, level: int, text: str) -> None:
        if self.console is not None and not self.closed:
            self.console.show_log(text)

    def connection_lost(self) -> None:
        if self._history_loaded:
            telnet_history.save(self.history)

"""The console for clients that do not speak telnet: OpenOCD's own byte stream.

Characters are echoed as typed, Enter answers "\\r\\n\\0" and runs the line, the prompt
is "\\r> ". Backspace, Ctrl-C ("^C"), Ctrl-U, cursor left/right, history up/down and
tab completion (OpenOCD's listing of full command names) work as in OpenOCD's telnet
server, so scripts written against OpenOCD see the same bytes.
"""

from __future__ import annotations

from ocdpy.server.completion import complete

PROMPT = "> "


class PlainConsole:
    def __init__(self, conn) -> None:
        self.conn = conn
        self.line = ""
        self.cursor = 0
        self.prompt_visible = False
        # OpenOCD starts a console's history walk one line before the last saved one,
        # so the first Up skips the `exit`/`shutdown` that ended the previous session.
        self.history_pos: int | None = len(conn.history) - 1 if len(conn.history) > 1 else None
        self._esc = b""
        self._after_cr = False
        self._out: list[str] = []

    def on_negotiation(self) -> None:
        pass

    def _write(self, text: str) -> None:
        # Echo and editing output is gathered and sent once per chunk of input.
        self._out.append(text)

    def _flush(self) -> None:
        if self._out:
            text, self._out = "".join(self._out), []
            self.conn.send(text.encode("utf-8", "replace"))

    def _prompt(self) -> None:
        self._write("\r" + PROMPT)
        self.prompt_visible = True

    async def run(self, early: bytes) -> None:
        self._prompt()
        self._flush()
        data: bytes | None = early
        while data is not None and not self.conn.closed:
            if data and not await self._feed(data):
                return
            data = await self.conn.read_plain()

    async def _feed(self, data: bytes) -> bool:
        try:
            return await self._feed_bytes(data)
        finally:
            self._flush()

    async def _feed_bytes(self, data: bytes) -> bool:
        for b in data:
            if self._esc:
                self._escape(b)
                continue
            after_cr, self._after_cr = self._after_cr, False
            if b in (0x0D, 0x0A):
                if b == 0x0A and after_cr:
                    continue  # the LF of a CR LF
                self._after_cr = b == 0x0D
                if not await self._enter():
                    return False
            elif b == 0x00:
                continue
            elif b in (0x08, 0x7F):
                self._backspace()
            elif b == 0x03:
                self._interrupt()
            elif b == 0x15:  # Ctrl-U
                self._clear_line()
            elif b == 0x09:
                self._complete()
            elif b == 0x1B:
                self._esc = b"\x1b"
            elif b >= 0x20:
                self._insert(chr(b))
        return True

    # -- editing -----------------------------------------------------------------------

    def _insert(self, text: str) -> None:
        if len(self.line) + len(text) > self.conn_line_max:
            self._write("\x07")
            return
        tail = self.line[self.cursor:]
        self.line = self.line[:self.cursor] + text + tail
        self.cursor += len(text)
        self._write(text + tail + "\b" * len(tail))

    @property
    def conn_line_max(self) -> int:
        from ocdpy.server.telnet import LINE_MAX

        return LINE_MAX

    def _backspace(self) -> None:
        if self.cursor == 0:
            return
        tail = self.line[self.cursor:]
        self.line = self.line[:self.cursor - 1] + tail
        self.cursor -= 1
        self._write("\b" + tail + " " + "\b" * (len(tail) + 1))

    def _clear_line(self) -> None:
        self._write(self.line[self.cursor:] + "\b \b" * len(self.line))
        self.line = ""
        self.cursor = 0

    def _interrupt(self) -> None:
        self._write(self.line[self.cursor:] + "^C\n\r")
        self.line = ""
        self.cursor = 0
        self.history_pos = None
        self._write(PROMPT)

    def _escape(self, b: int) -> None:
        self._esc += bytes([b])
        seq = self._esc
        if len(seq) == 2:
            if seq[1:] not in (b"[", b"O"):
                self._esc = b""
            return
        if 0x40 <= b <= 0x7E or len(seq) > 8:
            self._esc = b""
            final = seq[-1:]
            if final == b"A":
                self._history(-1)
            elif final == b"B":
                self._history(+1)
            elif final == b"C" and self.cursor < len(self.line):
                self._write(self.line[self.cursor])
                self.cursor += 1
            elif final == b"D" and self.cursor > 0:
                self._write("\b")
                self.cursor -= 1

    def _history(self, step: int) -> None:
        history = self.conn.history
        if not history:
            return
        pos = len(history) if self.history_pos is None else self.history_pos
        pos = max(0, min(len(history), pos + step))
        self.history_pos = pos
        text = history[pos] if pos < len(history) else ""
        self._clear_line()
        self.line = text
        self.cursor = len(text)
        self._write(text)

    def _complete(self) -> None:
        session = self.conn.host.session
        result = complete(session, self.line, self.cursor)
        names = result.candidates
        typed = len(result.query)
        at_end = self.cursor == len(self.line)
        if not names:
            self._write("\x07")
            return
        common = result.common
        if len(names) == 1 and len(common) == typed and at_end:
            self._insert(" ")
        elif len(common) > typed:
            self._insert(common[typed:])
            if len(names) == 1 and at_end:
                self._insert(" ")
        elif len(names) > 1:
            self._write("\n\r" + "".join(n + "\n\r" for n in names) + PROMPT + self.line
                        + "\b" * (len(self.line) - self.cursor))

    # -- lines ------------------------------------------------------------------------

    async def _enter(self) -> bool:
        line, self.line, self.cursor = self.line, "", 0
        self._write("\r\n\x00")
        self._flush()
        if line.strip() != "history":  # listing the history leaves the walk where it was
            self.history_pos = None
            self.conn.add_history(line)
        self.prompt_visible = False
        keep = await self.conn.run_line(line)
        if not keep:
            return False
        self._prompt()
        return True

    def show_log(self, text: str) -> None:
        self._flush()
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        if not self.prompt_visible:
            self._write(text + "\r\n")
            self._flush()
            return
        # Clear prompt and line, print, then put them back as they were.
        width = len(PROMPT) + len(self.line)
        self._write("\b" * self.cursor + "\r" + " " * width + "\r" + text + "\r\n"
                    + PROMPT + self.line + "\b" * (len(self.line) - self.cursor))
        self._flush()

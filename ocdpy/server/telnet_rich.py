"""The console for telnet clients with a terminal: a prompt_toolkit line editor.

prompt_toolkit's PromptSession runs on the connection's bytes (its telnet server
pattern: a pipe input fed from the socket, a VT100 output written to it): line editing,
history (up/down, Ctrl-R), and readline-style completion — Tab completes the common
prefix of the matching command names, a second Tab lists them. Log lines are printed
above the prompt while the user types. Typed input waits in a bounded queue while a
command runs; the socket is not read while that queue is full.
"""

from __future__ import annotations

import asyncio
import contextvars
import os

from ocdpy.server.completion import complete

PENDING_MAX = 64 * 1024
_CTRL_C = "\x03<interrupted>"


def _key_bindings():
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("c-c")
    def _interrupt(event) -> None:
        event.app.exit(result=_CTRL_C)

    return kb


class _Stream:
    """What Vt100_Output writes to: the connection, with telnet line ends."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, conn) -> None:
        self.conn = conn
        self._parts: list[str] = []

    def write(self, data: str) -> None:
        self._parts.append(data)

    def flush(self) -> None:
        if self._parts:
            text = "".join(self._parts)
            self._parts = []
            self.conn.send(text.replace("\n", "\r\n").encode("utf-8", "replace"))

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        raise OSError("a telnet connection has no file descriptor")


def _history(initial: list[str]):
    """prompt_toolkit history kept to OpenOCD's 128 lines (its own grows without end),
    starting with `initial` (oldest first: the saved history)."""
    from prompt_toolkit.history import History

    from ocdpy.server.telnet import HISTORY_LINE_MAX, HISTORY_MAX

    class BoundedHistory(History):
        def load_history_strings(self):
            return list(reversed(initial[-HISTORY_MAX:]))  # newest first

        def store_string(self, string: str) -> None:
            pass

        def append_string(self, string: str) -> None:
            if len(string) > HISTORY_LINE_MAX:
                return
            super().append_string(string)
            del self._loaded_strings[HISTORY_MAX:]

    return BoundedHistory()


def _make_completer(session):
    from prompt_toolkit.completion import Completer, Completion

    class CommandCompleter(Completer):
        def get_completions(self, document, complete_event):
            result = complete(session, document.text_before_cursor)
            typed = len(result.query)
            for name in result.candidates:
                yield Completion(name[typed:], 0, display=name)

    return CommandCompleter()


class RichConsole:
    def __init__(self, conn, term: str) -> None:
        self.conn = conn
        self.term = term
        self._pending = bytearray()
        self._line_length = 0
        self._last_cr = False
        self._eof = False
        self._writable = asyncio.Event()
        self._writable.set()
        self._pipe = None
        self._session = None
        self._context: contextvars.Context | None = None
        self._loop = asyncio.get_running_loop()
        self._writer_added = False

    def _size(self):
        from prompt_toolkit.data_structures import Size

        columns, rows = self.conn.parser.size or (80, 24)
        return Size(rows=rows, columns=columns)

    def on_negotiation(self) -> None:
        session = self._session
        if session is not None and self._context is not None and session.app.is_running:
            self._context.run(session.app._on_resize)

    async def run(self, early: bytes) -> None:
        from prompt_toolkit.application import create_app_session
        from prompt_toolkit.input import create_pipe_input
        from prompt_toolkit.output.vt100 import Vt100_Output
        from prompt_toolkit.shortcuts import CompleteStyle, PromptSession

        with create_pipe_input() as pipe:
            self._pipe = pipe
            os.set_blocking(pipe.pipe.write_fd, False)
            output = Vt100_Output(_Stream(self.conn), self._size, term=self.term, enable_cpr=False)
            reader = asyncio.ensure_future(self._pump(early))
            try:
                with create_app_session(input=pipe, output=output):
                    self._context = contextvars.copy_context()
                    self._session = PromptSession(
                        message="> ",
                        history=_history(list(self.conn.history)),
                        completer=_make_completer(self.conn.host.session),
                        complete_style=CompleteStyle.READLINE_LIKE,
                        complete_while_typing=False,
                        enable_history_search=False,
                        mouse_support=False,
                        erase_when_done=False,
                        key_bindings=_key_bindings(),
                    )
                    await self._loop_lines()
            finally:
                reader.cancel()
                self._remove_writer()

    async def _loop_lines(self) -> None:
        session = self._session
        while not self.conn.closed and not self._eof:
            # Awaited directly, not as a task of its own: prompt_toolkit ends a prompt
            # with an exception, and asyncio lets no task end in a KeyboardInterrupt.
            try:
                line = await session.prompt_async()
            except EOFError:
                return  # Ctrl-D on an empty line, or the client went away
            if line is _CTRL_C:
                continue  # a fresh prompt, as OpenOCD does
            if line.strip() != "history":
                self.conn.add_history(line)
            if not await self.conn.run_line(line):
                return

    # -- input: socket -> bounded queue -> prompt_toolkit's pipe -------------------------

    async def _pump(self, early: bytes) -> None:
        data: bytes | None = early
        while data is not None and not self.conn.closed:
            if data:
                self._queue(data)
            while len(self._pending) > PENDING_MAX and not self.conn.closed:
                self._writable.clear()
                await self._writable.wait()
            data = await self.conn.read_plain()
        # End of input: the prompt sees end of file once it has read what is queued.
        self._eof = True
        if not self._pending and self._pipe is not None:
            self._pipe.close()

    def _queue(self, data: bytes) -> None:
        # Telnet clients end lines with CR NUL or CR LF; prompt_toolkit wants CR.
        if self._last_cr and data[:1] == b"\n":
            data = data[1:]
        self._last_cr = data[-1:] == b"\r"
        data = data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
        out = bytearray()
        parts = data.split(b"\r")
        for i, part in enumerate(parts):
            # Characters past the line limit are dropped, bounding the editor's buffer.
            kept = part[:max(0, _line_max() - self._line_length)]
            out += kept
            self._line_length += len(kept)
            if i < len(parts) - 1:
                out += b"\r"
                self._line_length = 0
        self._pending += out
        self._flush()

    def _flush(self) -> None:
        if not self._pending or self._pipe is None:
            return
        try:
            n = os.write(self._pipe.pipe.write_fd, self._pending)
        except BlockingIOError:
            n = 0
        except OSError:
            self._pending.clear()
            return
        del self._pending[:n]
        if not self._pending and self._eof:
            self._pipe.close()
        if self._pending:
            if not self._writer_added:
                self._loop.add_writer(self._pipe.pipe.write_fd, self._flush)
                self._writer_added = True
        else:
            self._remove_writer()
            self._writable.set()

    def _remove_writer(self) -> None:
        if self._writer_added and self._pipe is not None:
            self._loop.remove_writer(self._pipe.pipe.write_fd)
            self._writer_added = False

    # -- output -------------------------------------------------------------------------

    def show_log(self, text: str) -> None:
        session = self._session
        if session is not None and self._context is not None and session.app.is_running:
            from prompt_toolkit.application import run_in_terminal

            self._context.run(run_in_terminal, lambda: self.conn.write_text(text + "\n"))
        else:
            self.conn.write_text(text + "\n")


def _line_max() -> int:
    from ocdpy.server.telnet import LINE_MAX

    return LINE_MAX

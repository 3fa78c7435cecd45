"""The generic service under telnet, Tcl RPC and GDB: listen, accept, read, close.

A `Service` listens on one TCP port (or serves one connection over stdin/stdout for
`gdb_port pipe`) and runs a `Connection` per client. The connection reads with a bound
on what it buffers and writes through `send`, which drops a client that stops reading
instead of letting its output grow without limit. Log lines use OpenOCD's words, which
IDEs parse: "Listening on port N for gdb connections". The port itself is bound by
`ocdpy.server.listeners`, usually before the event loop runs (as OpenOCD binds it).
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

from ocdpy import log
from ocdpy.server.listeners import Listener, ServiceError, bind

__all__ = ["Connection", "Service", "ServiceError"]

if TYPE_CHECKING:
    from ocdpy.server.host import ServerHost

# A client that leaves this much of our output unread is dropped: the servers' memory
# stays bounded whatever a client does.
OUTPUT_LIMIT = 4 * 1024 * 1024
READ_CHUNK = 64 * 1024


class Connection:
    """One client of a service. Subclasses implement `serve()`."""

    def __init__(self, service: Service, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter | _PipeWriter) -> None:
        self.service = service
        self.host: ServerHost = service.host
        self.reader = reader
        self.writer = writer
        self.closed = False

    @property
    def kind(self) -> str:
        return self.service.name

    async def serve(self) -> None:
        raise NotImplementedError

    async def read(self) -> bytes:
        """The next chunk from the client; b"" at end of input."""
        try:
            return await self.reader.read(READ_CHUNK)
        except (ConnectionError, OSError):
            return b""

    def send(self, data: bytes) -> None:
        """Queue bytes for the client; drop the client if it is not reading."""
        if self.closed or not data:
            return
        transport = getattr(self.writer, "transport", None)
        if transport is not None and transport.is_closing():
            self.closed = True  # the client is gone; what it would get is dropped
            return
        try:
            self.writer.write(data)
        except (ConnectionError, OSError, RuntimeError):
            self.abort()
            return
        if transport is not None and transport.get_write_buffer_size() > OUTPUT_LIMIT:
            log.warning(f"{self.kind} client does not read its output; dropping the connection")
            self.abort()

    def abort(self) -> None:
        """Close at once, discarding unsent output."""
        if self.closed:
            return
        self.closed = True
        transport = getattr(self.writer, "transport", None)
        if transport is not None:
            transport.abort()
        else:
            self.writer.close()

    def close(self) -> None:
        """Close after the queued output is sent."""
        if self.closed:
            return
        self.closed = True
        try:
            self.writer.close()
        except (ConnectionError, OSError, RuntimeError):
            pass

    # -- notifications from the host (always on the event loop thread) --------------

    def on_log(self, level: int, text: str) -> None:
        """A log line of the session (level prefix already removed)."""

    def on_target_event(self, target: object, event: str, state: str) -> None:
        """A target event (halted, resumed, reset-start, gdb-attach, ...) and the state
        the target was in when it fired."""

    def on_target_state(self, target: object, state: str) -> None:
        """The state the poller found a target in (halted, running, ...)."""

    def connection_lost(self) -> None:
        """Clean-up after the client is gone (called once)."""


class Service:
    """One listening port (or the stdin/stdout pipe) and its connections."""

    def __init__(self, host: ServerHost, name: str, port: str, connection_class: type[Connection],
                 max_connections: int | None = None, listener: Listener | None = None,
                 **connection_args: object) -> None:
        self.host = host
        self.listener = listener
        self.name = name
        self.port = port
        self.connection_class = connection_class
        self.connection_args = connection_args
        self.max_connections = max_connections
        self.connections: set[Connection] = set()
        self.bound_port: int | None = None
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def is_pipe(self) -> bool:
        return self.port == "pipe"

    async def start(self) -> None:
        """Serve the listener bound earlier (at `init` or server_init), or bind now."""
        if self.listener is None:
            self.listener = bind(self.name, self.port, self.host.settings.bindto)
        self.listener.served = True
        if self.listener.is_pipe:
            await self._start_pipe()
            return
        sock = self.listener.sock
        assert sock is not None
        try:
            self._server = await asyncio.start_server(self._accept, sock=sock, limit=READ_CHUNK)
        except OSError as e:
            sock.close()
            raise ServiceError(f"couldn't serve {self.name} connections: {e}") from None
        self.bound_port = self.listener.bound_port

    async def _start_pipe(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=READ_CHUNK)
        protocol = asyncio.StreamReaderProtocol(reader)
        await loop.connect_read_pipe(lambda: protocol, os.fdopen(sys.stdin.fileno(), "rb", 0, closefd=False))
        writer = _PipeWriter(sys.stdout.fileno())
        log.info(f"accepting '{self.name}' connection from pipe")
        task = asyncio.ensure_future(self._run(reader, writer, pipe=True))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.host.stopping:
            writer.close()
            return
        live = sum(1 for c in self.connections if not c.closed)
        if self.max_connections is not None and live >= self.max_connections:
            log.info(f"rejected '{self.name}' connection, no more connections allowed")
            writer.close()
            return
        # OpenOCD names the port as configured ("tcp/0" for a port chosen at random).
        log.info(f"accepting '{self.name}' connection on tcp/{self.port}")
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._run(reader, writer, pipe=False)
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def _run(self, reader: asyncio.StreamReader, writer, pipe: bool) -> None:
        conn = self.connection_class(self, reader, writer, **self.connection_args)
        self.connections.add(conn)
        self.host.connections.add(conn)
        try:
            await conn.serve()
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - one client's failure must not stop the servers
            log.error(f"{self.name} connection failed: {type(e).__name__}: {e}")
            log.debug_io(_traceback_text(e))
        finally:
            self.connections.discard(conn)
            self.host.connections.discard(conn)
            try:
                conn.connection_lost()
            except Exception as e:  # noqa: BLE001
                log.debug(f"{self.name} connection clean-up failed: {e}")
            if not conn.closed:
                conn.close()
            if not self.host.stopping:
                log.info(f"dropped '{self.name}' connection")
            if pipe:
                # GDB on the other end of the pipe is gone: nothing left to serve.
                self.host.request_stop()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for conn in list(self.connections):
            conn.close()
        tasks = [t for t in self._tasks if not t.done() and t is not asyncio.current_task()]
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=2.0)
            for t in pending:
                t.cancel()
        if self._server is not None:
            try:
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            except (TimeoutError, OSError):
                pass


class _PipeWriter:
    """A minimal writer on stdout for `gdb_port pipe` (blocking writes: GDB reads them)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.transport = None

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]

    def close(self) -> None:
        pass


def _traceback_text(e: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(type(e), e, e.__traceback__)).rstrip()

"""The servers of one session: telnet, Tcl RPC and GDB on one event loop.

All network I/O runs on an asyncio loop; everything that touches the interpreter or the
hardware runs in one worker thread under `ServerHost.lock`, so commands from any number
of clients, GDB packets and the target poller are serialised as OpenOCD's single
thread serialises them, while the loop keeps accepting clients, forwarding log lines
and noticing GDB's Ctrl-C. The poller asks every target for its state each
`poll_period` so a halt (a breakpoint hit while running) is noticed and reported.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ocdpy import log
from ocdpy.server.service import Connection, Service, ServiceError
from ocdpy.server.settings import ServerSettings, settings_for

if TYPE_CHECKING:
    from ocdpy.session import Session

TELNET_BANNER = "Open On-Chip Debugger"
SHUTDOWN_WAIT_S = 10.0
POLL_DEFER_MAX_S = 1.0


class CloseConnection(Exception):
    """Raised by `exit` through the interpreter: close the connection it came from."""


@dataclass
class CommandOutcome:
    """What running one command line for a client produced."""

    text: str = ""  # the result (success) or the error message (failure)
    error: bool = False
    close: bool = False  # `exit`: close this connection
    shutdown: bool = False  # `shutdown`: stop all servers


class ServerHost:
    def __init__(self, session: Session, settings: ServerSettings | None = None) -> None:
        self.session = session
        self.settings = settings or settings_for(session)
        self.lock = threading.RLock()
        self.services: list[Service] = []
        self.connections: set[Connection] = set()
        # The connection whose command is running (set in the worker thread only).
        self.current: Connection | None = None
        self.stopping = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._tasks: list[asyncio.Task] = []
        self._targets: list[Any] | None = None
        self._signal: int | None = None
        self.start_error: str | None = None
        self._last_work = 0.0  # when the worker last ran something other than the poll

    # -- running --------------------------------------------------------------------

    def run(self, ready: Callable[[ServerHost], None] | None = None) -> None:
        """Serve until shutdown (blocking). `ready` is called once all ports listen."""
        asyncio.run(self.serve(ready))

    async def serve(self, ready: Callable[[ServerHost], None] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ocdpy-hardware")
        self.session.server_host = self  # type: ignore[attr-defined]
        log.add_listener(self._log_listener)
        announced = getattr(self.session, "target_event_listeners", None)
        if isinstance(announced, list):
            announced.append(self._session_event)
        self._install_signal_handlers()
        try:
            try:
                await self._start_services()
            except ServiceError as e:
                self.start_error = str(e)
                log.error(str(e))
                return
            self._tasks.append(asyncio.ensure_future(self._poll_loop()))
            if ready is not None:
                ready(self)
            early = getattr(self.session, "pending_signal", None)
            if early is not None:
                self._on_signal(early)  # came while `init` ran: shut down now, as OpenOCD
            await self._stop_event.wait()
            if self._signal is not None:
                # OpenOCD runs the (possibly user-defined) shutdown command on a signal.
                await self.run_command(None, "shutdown")
        finally:
            await self._close()

    def request_stop(self) -> None:
        """Stop serving (thread-safe; from a command, a signal or a test)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        if _in_loop(loop):
            self._set_stop()
        else:
            try:
                loop.call_soon_threadsafe(self._set_stop)
            except RuntimeError:
                pass  # the loop already closed

    def _set_stop(self) -> None:
        self.stopping = True
        if self._stop_event is not None:
            self._stop_event.set()

    def _install_signal_handlers(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            try:
                self.loop.add_signal_handler(sig, self._on_signal, sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass

    def _on_signal(self, sig: int) -> None:
        if self._signal is None:
            self._signal = sig
        self._set_stop()

    async def _start_services(self) -> None:
        from ocdpy.server import listeners as ports
        from ocdpy.server.gdb.service import gdb_target_specs

        state = ports.listeners_of(self.session)
        # An `init` typed at a console binds GDB ports too; they are served at once.
        ports.enable(self.session)
        # The command line bound these already (server_init, then GDB inside `init`);
        # a session served directly binds them now, in the same order.
        ports.server_init(self.session, self.settings)
        if not state.gdb_added and getattr(self.session, "initialized", True):
            ports.gdb_target_add_all(self.session, self.settings, gdb_target_specs(self))
        if sum(1 for item in state.items if item.is_pipe) > 1:
            raise ServiceError("only one server can use 'pipe' (stdin/stdout)")
        for listener in list(state.items):
            await self._serve_listener(listener)
        state.on_added = self._listener_added

    async def _serve_listener(self, listener: Any) -> None:
        from ocdpy.server.gdb.service import gdb_service
        from ocdpy.server.tcl_rpc import TclRpcConnection
        from ocdpy.server.telnet import TelnetConnection

        if listener.served:
            return
        if listener.name == "gdb":
            svc = gdb_service(self, listener)
            if svc is None:
                return
        else:
            kind = TclRpcConnection if listener.name == "tcl" else TelnetConnection
            svc = Service(self, listener.name, listener.port, kind, listener=listener)
        await svc.start()
        self.services.append(svc)

    def _listener_added(self, listener: Any) -> None:
        """A port bound while serving (`init` from a console): serve it (any thread)."""
        self._on_loop(self._adopt, listener)

    def _adopt(self, listener: Any) -> None:
        if self.stopping:
            listener.close()
            return

        async def serve_it() -> None:
            try:
                await self._serve_listener(listener)
            except ServiceError as e:
                log.error(str(e))

        self._tasks.append(asyncio.ensure_future(serve_it()))

    async def _close(self) -> None:
        self.stopping = True
        log.remove_listener(self._log_listener)
        from ocdpy.server.listeners import listeners_of

        state = listeners_of(self.session)
        state.on_added = None
        announced = getattr(self.session, "target_event_listeners", None)
        if isinstance(announced, list) and self._session_event in announced:
            announced.remove(self._session_event)
        for task in self._tasks:
            task.cancel()
        for svc in self.services:
            try:
                await svc.stop()
            except Exception as e:  # noqa: BLE001 - close the rest whatever one does
                log.debug(f"closing {svc.name} failed: {e}")
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=2.0)
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            # The session shuts down after this: let a command still running finish
            # first, but do not let a stuck one (a long `sleep`, a dead probe) hold the
            # process forever.
            if self.lock.acquire(timeout=SHUTDOWN_WAIT_S):
                self.lock.release()
            else:
                log.warning(f"a command was still running {SHUTDOWN_WAIT_S:.0f} s after shutdown; "
                            "stopping without waiting for it")
        if self.loop is not None and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                try:
                    self.loop.remove_signal_handler(sig)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass
        # Ports bound but never served (a start that failed half-way) close with us.
        state.close()
        state.items.clear()
        state.server_init_done = state.gdb_added = False
        if getattr(self.session, "server_host", None) is self:
            self.session.server_host = None  # type: ignore[attr-defined]

    # -- the hardware worker -----------------------------------------------------------

    async def call(self, fn: Callable[..., Any], *args: Any,
                   connection: Connection | None = None) -> Any:
        """Run `fn(*args)` in the worker thread under the hardware lock."""
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(
            self._executor, self._locked, fn, args, connection)

    def _locked(self, fn: Callable[..., Any], args: tuple, connection: Connection | None) -> Any:
        with self.lock:
            previous, self.current = self.current, connection
            try:
                return fn(*args)
            finally:
                self.current = previous
                if fn != self.poll_targets:
                    self._last_work = time.monotonic()

    async def run_command(self, connection: Connection | None, line: str) -> CommandOutcome:
        """Run one command line for a client, as OpenOCD's command_run_line does."""
        if self.stopping and line != "shutdown":
            return CommandOutcome("", error=True, close=True)
        outcome = await self.call(self.execute, line, connection=connection)
        if outcome.shutdown:
            self.request_stop()
        return outcome

    def execute(self, line: str) -> CommandOutcome:
        """Run a command line now (worker thread, lock held)."""
        from ocdpy.session import ShutdownRequested
        from ocdpy.tcl import TclError, TclExit

        try:
            return CommandOutcome(self.session.run_command(line))
        except ShutdownRequested:
            return CommandOutcome("", shutdown=True, close=True)
        except CloseConnection:
            return CommandOutcome("", close=True)
        except TclExit:
            return CommandOutcome("", close=True)
        except TclError as e:
            if getattr(self.session, "shutdown_requested", False):
                return CommandOutcome("", shutdown=True, close=True)
            return CommandOutcome(e.format_trace(), error=True)
        except RecursionError:
            return CommandOutcome("Too many nested calls. Infinite recursion?", error=True)
        except Exception as e:  # noqa: BLE001 - a bug in a command must not end the server
            from ocdpy.errors import OcdError

            if isinstance(e, OcdError):
                return CommandOutcome(e.message, error=True)
            log.debug_io(_traceback_text(e))
            return CommandOutcome(
                f"internal error in '{line.strip()[:60]}': {type(e).__name__}: {e} "
                "(please report it; run with -d4 for the details)", error=True)

    # -- targets and polling -------------------------------------------------------------

    def targets(self) -> list[Any]:
        """The session's targets as the servers see them (see ocdpy.server.targets)."""
        from ocdpy.server.targets import server_targets

        return server_targets(self)

    async def _poll_loop(self) -> None:
        last_poll = 0.0
        while not self.stopping:
            period = max(1, int(getattr(self.settings, "poll_period_ms", 100))) / 1000.0
            await asyncio.sleep(period)
            if self.stopping:
                return
            now = time.monotonic()
            # While clients keep the hardware busy (a GDB load, a script) a poll only
            # adds probe traffic; it waits for a quiet period, but never longer than
            # POLL_DEFER_MAX_S, so a halt is still noticed.
            if now - self._last_work < period and now - last_poll < POLL_DEFER_MAX_S:
                continue
            last_poll = now
            try:
                states = await self.call(self.poll_targets)
            except asyncio.CancelledError:
                raise
            except Exception as e:  # noqa: BLE001 - polling must go on
                log.debug(f"target poll failed: {e}")
                continue
            for target, state in states:
                for conn in list(self.connections):
                    conn.on_target_state(target, state)

    def poll_targets(self) -> list[tuple[Any, str]]:
        """Ask every target for its state (worker thread, lock held). Nothing after
        `poll off`, as OpenOCD's jtag_poll_set_enabled stops its poller; `poll on` lets
        the next period poll again."""
        if not getattr(self.session, "initialized", False):
            return []
        if not getattr(self.session, "background_polling", True):
            return []
        states = []
        for target in self.targets():
            try:
                target.poll_quietly()
            except Exception as e:  # noqa: BLE001 - one target's failure must not stop the rest
                log.debug(f"polling {target.name} failed: {e}")
            states.append((target, target.state()))
        return states

    def target_event(self, target: Any, event: str) -> None:
        """A target event, from whatever thread: passed to every connection with the
        state the target is in now."""
        try:
            state = target.state()
        except Exception:  # noqa: BLE001
            state = "unknown"
        self._on_loop(self._fan_out_event, target, event, state)

    def _session_event(self, target_name: str, event: str) -> None:
        """An event the session announces (any thread), by target name."""
        for target in self.targets():
            if target.name == target_name:
                notify = getattr(target, "notify", None)
                if notify is not None:
                    notify(event)
                else:
                    self.target_event(target, event)

    def _fan_out_event(self, target: object, event: str, state: str) -> None:
        for conn in list(self.connections):
            try:
                conn.on_target_event(target, event, state)
            except Exception as e:  # noqa: BLE001
                log.debug(f"event {event} for {conn.kind} failed: {e}")

    # -- log forwarding ----------------------------------------------------------------

    def _log_listener(self, level: int, line: str) -> None:
        if level >= log.DEBUG:
            return  # OpenOCD never forwards debug lines to clients
        text = _strip_level(level, line)
        self._on_loop(self._fan_out_log, level, text)

    def _fan_out_log(self, level: int, text: str) -> None:
        for conn in list(self.connections):
            try:
                conn.on_log(level, text)
            except Exception as e:  # noqa: BLE001
                log.debug(f"log forwarding to {conn.kind} failed: {e}")

    def _on_loop(self, fn: Callable[..., None], *args: Any) -> None:
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        if _in_loop(loop):
            fn(*args)
        else:
            try:
                loop.call_soon_threadsafe(fn, *args)
            except RuntimeError:
                pass

    # -- for tests and the command line ----------------------------------------------

    def port_of(self, name: str) -> int | None:
        """The TCP port a service listens on ("gdb" is the first target's)."""
        for svc in self.services:
            if svc.name == name and svc.bound_port is not None:
                return svc.bound_port
        return None


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _strip_level(level: int, line: str) -> str:
    # Clients get the message without "Info : " / "Warn : " / "Error: ", as OpenOCD's
    # log callbacks receive it.
    if level in (log.ERROR, log.WARNING, log.INFO) and len(line) >= 7 and line[5:7] in (": ", ":"):
        return line[7:]
    return line


def _traceback_text(e: BaseException) -> str:
    import traceback

    return "".join(traceback.format_exception(type(e), e, e.__traceback__)).rstrip()

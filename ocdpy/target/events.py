"""Target events: running a target's `-event` handlers and telling listeners, in
OpenOCD 0.12's order.

An event has two parts, as in OpenOCD: the Tcl handler a script set with
`$target configure -event NAME BODY` (run with that target current; an error in it is
reported and does not stop the caller), and the listeners of the session
(`session.target_event_listeners`: `fn(target_name, event)`, which the servers use for
GDB stop replies and Tcl notifications).

`halted` is announced the way OpenOCD's target_call_event_callbacks does it: first the
whole `gdb-halt` event, then the `halted` handler, then the halt message (unless a GDB
session asked for quiet halts), then the listeners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ocdpy import log

Listener = Callable[[str, str], None]


def listeners(session: Any) -> list[Listener]:
    """The session's event listeners (created empty on first use)."""
    found = getattr(session, "target_event_listeners", None)
    if not isinstance(found, list):
        found = []
        session.target_event_listeners = found
    return found


def run_handler(session: Any, config: Any, event: str) -> None:
    """OpenOCD's target_handle_event: run the target's handler for `event`, with the
    target current; a failure is printed as OpenOCD prints it and swallowed."""
    body = config.event_body(event)
    if body is None:
        return
    from ocdpy.tcl import TclError
    from ocdpy.tcl.errors import TclControl, TclReturn

    log.debug(f"target({config.number}): {config.name} ({config.type_name}) event: {event} action: {body}")
    interp = session.interp
    saved = session.config.current_target
    session.config.current_target = config
    try:
        # In the frame the event is fired from, as OpenOCD's Jim_EvalObj does: an error
        # then shows where the reset script was (ocd_process_reset_inner, ...).
        interp.eval_in(interp.frame, body)
    except TclReturn as r:
        if r.ret_code == 1:  # `return -code error` from the handler
            _report(interp, event, config.name, str(r.value), [])
    except TclControl:
        pass  # break/continue/return end the handler, as in OpenOCD
    except TclError as e:
        _report(interp, event, config.name, e.result, list(e.stack or []))
    finally:
        session.config.current_target = saved


def _report(interp: Any, event: str, name: str, message: str, stack: list) -> None:
    """OpenOCD's report: the message with Jim's error info (the error's own trace, then
    the procedures still running, e.g. the reset script's)."""
    from ocdpy.tcl.commands.info import live_stacktrace
    from ocdpy.tcl.errors import format_error

    text = format_error(message, stack + live_stacktrace(interp.frame))
    log.user(f"Error executing event {event} on target {name}:\n{text}")


def announce(session: Any, name: str, event: str) -> None:
    """Tell every listener that target `name` saw `event`; a failing listener is logged."""
    for fn in list(listeners(session)):
        try:
            fn(name, event)
        except Exception as e:  # noqa: BLE001 - one listener must not stop the others
            log.debug(f"event listener for {event} on {name} failed: {e}")


def fire(session: Any, config: Any, event: str) -> None:
    """The handler, then the listeners."""
    run_handler(session, config, event)
    announce(session, config.name, event)


def fire_halted(session: Any, config: Any, halt_message: Callable[[], str | None]) -> None:
    """`halted`, with `gdb-halt` before it and the halt message between the handler and
    the listeners."""
    fire(session, config, "gdb-halt")
    run_handler(session, config, "halted")
    text = halt_message()
    if text:
        log.user(text)
    announce(session, config.name, "halted")

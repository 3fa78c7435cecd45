"""The error hierarchy every layer above Tcl raises.

Each error carries a message that a person can act on: what went wrong and what to
do next. The command line and servers print it as one `Error: ...` line; a Python
traceback only appears with `-d4` (debug I/O level).
"""

from __future__ import annotations


class OcdError(Exception):
    """Base of all ocdpy errors that reach a user as `Error: <message>`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CommandError(OcdError):
    """A command was used wrongly (bad arguments, wrong phase)."""


class ConfigError(OcdError):
    """Configuration is inconsistent or names something ocdpy does not support."""


class ProbeError(OcdError):
    """The debug probe failed: not found, unplugged, USB error, bad firmware."""


class TransferFaultError(ProbeError):
    """A memory or register access faulted on the target side (SWD FAULT/WAIT, bus error)."""

    def __init__(self, message: str, address: int | None = None) -> None:
        super().__init__(message)
        self.address = address


class TargetError(OcdError):
    """The target is not in a state the operation needs (running, not examined, ...)."""


class TargetNotHaltedError(TargetError):
    pass


class FlashError(OcdError):
    """Flash erase/program/verify/probe failed."""


class ImageError(OcdError):
    """A file given as an image cannot be loaded (wrong kind, truncated, bad checksum)."""


class TargetConnectionError(ProbeError):
    """The probe gets no valid answer from the target on the debug wires (SWD no-ack,
    parity or protocol error): wiring, target power, or pins taken over by firmware."""


class ProbeDisconnectedError(ProbeError):
    """The probe vanished mid-session (unplugged, USB reset, server lost the device)."""

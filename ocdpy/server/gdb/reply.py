"""A GDB server reply, and the errors packet handlers raise."""

from __future__ import annotations

from dataclasses import dataclass, field

# The errno values OpenOCD answers with: EFAULT for memory and registers, EIO for flash.
EFAULT = 0x0E
EIO = 0x05


class DropConnection(Exception):
    """The packet is malformed beyond answering: log why and close."""


@dataclass
class Reply:
    packets: list[bytes] = field(default_factory=list)
    binary: bool = False  # escape the payload (qXfer replies)
    noack: bool = False
    close: bool = False
    shutdown: bool = False
    check_stop: bool = False  # the target was resumed: watch for its halt


def answer(*payloads: bytes | str, **flags: bool) -> Reply:
    return Reply([p.encode() if isinstance(p, str) else p for p in payloads], **flags)

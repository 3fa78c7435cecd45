"""How ST-Link command blocks reach the probe: the common transport interface and
the serial-number rules both transports share.

A transport moves one command: a 16-byte block, an optional data phase to the
probe, an optional reply of a known size. `StlinkUsb` (pyusb) and `StlinkTcp`
(ST-LINK server) implement it; `Stlink` (the protocol) never knows which it has.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

SERIAL_LEN = 24  # 12 bytes, printed as hex digits
UNPLUGGED = "the ST-Link was unplugged (or its USB link failed): reconnect it and run again"
NOT_OPEN = "the ST-Link is not open (init has not run, or the probe was closed)"


class StlinkTransport(ABC):
    kind: str = ""  # "USB" / "TCP", for messages
    vid: int = 0
    pid: int = 0
    serial: str = ""
    # Set when the link was lost under us (unplugged, USB failure, server gone): what
    # to tell whoever uses the probe from then on.
    lost: str | None = None
    # A virtual probe's modeled clock (ocdpy.adapter.base.Timebase), None on hardware.
    timebase: object | None = None

    def closed_error(self) -> Exception:
        """What a command on a closed transport raises: the loss, if that closed it."""
        from ocdpy.errors import ProbeDisconnectedError, ProbeError

        return ProbeDisconnectedError(self.lost) if self.lost else ProbeError(NOT_OPEN)

    @abstractmethod
    def open(self) -> None:
        """Find the probe (VID:PID list, serial) and open it; raise ProbeError with advice."""

    @abstractmethod
    def close(self) -> None:
        """Release the probe; never raises."""

    @property
    @abstractmethod
    def is_open(self) -> bool: ...

    @abstractmethod
    def xfer(self, block: bytes, data_out: bytes = b"", read_size: int = 0) -> bytes:
        """Send one command (and its data phase); return exactly `read_size` reply bytes.

        Raises ProbeDisconnectedError when the probe is gone, ProbeError for other
        transfer failures; the transport resynchronises before the next command."""


def serial_matches(wanted: str, serial: str) -> bool:
    """Whether the `adapter serial` a user gave names the probe whose serial is `serial`.

    Old ST-Link/V2 firmware reports its serial as 12 raw bytes; users then copy either
    the 24 hex digits other tools print or the 12 raw characters, so both match."""
    if wanted.strip().upper() == serial.upper():
        return True
    if len(wanted) == SERIAL_LEN // 2:
        return "".join(f"{ord(c) & 0xFF:02X}" for c in wanted) == serial.upper()
    return False
